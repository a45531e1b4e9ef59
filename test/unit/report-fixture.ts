/** A ReportInput with every section filled, for the renderer tests and the end-to-end report spec. */
import { REPORT_SECTIONS, REPORT_VERSION, type ReportInput } from '../../shared/domain/report.ts';

const sha = (c: string) => c.repeat(64).slice(0, 64);

export function fullReportInput(): ReportInput {
  return {
    reportVersion: REPORT_VERSION,
    generatedAt: '2026-11-27T08:00:00.000Z',
    tool: { name: 'assay', version: '0.1.0' },
    sections: [...REPORT_SECTIONS],
    case: {
      id: 'case-1',
      name: 'Horse <backdoor> & friends',
      analyst: 'A. Analyst',
      createdAt: '2026-11-26T09:00:00.000Z',
      folder: '/cases/horse',
      incident: { declared: true, reference: 'INC-42', severity: 'high' },
      notes: '',
    },
    verdict: {
      level: 'evidence',
      headline: "Evidence of poisoning in class 'horse' of train.csv: 2 detector(s) agree.",
      confidence: 'Smallest class-test p-value 6.2e-24.',
      where: [{ datasetName: 'train.csv', className: 'horse', rows: 300, flagged: 45, detectors: ['Spectral signatures', 'SPECTRE'], contamination: 0.153, pValue: 6.2e-24 }],
    },
    evidence: [
      { item: 'train.csv', kind: 'dataset', path: '/data/train.csv', sha256: sha('a'), sizeBytes: 860156, collectedBy: 'A. Analyst', collectedAt: '2026-11-26T09:01:00.000Z', status: 'ok' },
      { item: 'Scan of train.csv', kind: 'result', path: '/cases/horse/results/x.wire', sha256: sha('b'), sizeBytes: null, collectedBy: 'A. Analyst', collectedAt: '2026-11-26T09:02:00.000Z', status: 'stored' },
    ],
    custody: { auditEntries: 3, auditHead: sha('c'), verified: true, verifiedEntries: 3, firstBad: null, caseProblems: [] },
    findings: [
      {
        detector: 'spectral',
        title: 'Spectral signatures',
        datasetName: 'train.csv',
        datasetSha256: sha('a'),
        resultSha256: sha('b'),
        flagMode: 'fdr',
        flagNote: 'Benjamini–Hochberg at q = 0.05.',
        params: { epsilon: 0.05 },
        classes: [
          { className: 'horse', rows: 300, flagged: 2, contamination: 0.153, pValue: 6.2e-24, verdict: 'suspicious' },
          { className: 'cat', rows: 300, flagged: 0, contamination: 0, pValue: 0.8, verdict: 'clear' },
        ],
        histogram: { edges: [0, 1, 2, 3], all: [500, 90, 10], flagged: [0, 0, 2] },
        flaggedTotal: 2,
        flaggedRows: [
          { row: 7, id: '=HYPERLINK("http://evil")', className: 'horse', score: 9.5, pValue: 1e-9 },
          { row: 12, id: 'row-12', className: 'horse', score: 8.25, pValue: 2e-8 },
        ],
        atlas: ['AML.T0020', 'AML.T0043.004'],
        seconds: 0.4,
      },
    ],
    quarantine: [{ name: 'Backdoor rows', origin: 'spectral FDR', datasetName: 'train.csv', datasetSha256: sha('a'), createdAt: '2026-11-26T10:00:00.000Z', rows: [{ row: 7, label: 'horse', detectors: ['spectral'] }] }],
    influence: [{ title: 'Self-influence', kind: 'selfInfluence', datasetName: 'train.csv', resultSha256: sha('d'), createdAt: '2026-11-26T11:00:00.000Z', summary: ['top row: 7'], table: { columns: ['row', 'influence'], rows: [[7, 0.9]] }, bars: [{ label: 'row 7', value: 0.9 }] }],
    drift: [{ title: 'Drift vs. last month', kind: 'drift', datasetName: 'train.csv', resultSha256: sha('e'), createdAt: '2026-11-26T11:10:00.000Z', summary: ['verdict: drift in 2 columns'], table: null, bars: [{ label: 'x1 (psi)', value: 0.31 }] }],
    privacy: [{ title: 'PII scan', kind: 'privacy', datasetName: 'train.csv', resultSha256: sha('f'), createdAt: '2026-11-26T11:20:00.000Z', summary: ['emails found: 0'], table: null, bars: null }],
    threats: [
      {
        worksheet: 'Vision pipeline',
        heat: [
          [0, 0, 0, 0, 0],
          [0, 1, 0, 0, 0],
          [0, 0, 0, 1, 0],
          [0, 0, 0, 0, 0],
          [0, 0, 0, 0, 1],
        ],
        threats: [{ title: 'Backdoor trigger', probability: 0.9, impact: 9, inherent: 8.1, residual: 2.4, atlas: ['AML.T0020'], decision: 'mitigate' }],
        inherentTotal: 8.1,
        residualTotal: 2.4,
        tolerance: 2,
        accepted: [{ threat: 'Backdoor trigger', decision: 'mitigate', by: 'CISO', at: '2026-11-26', rationale: 'filter before training' }],
      },
    ],
    atlas: [{ id: 'AML.T0020', name: 'Poison Training Data', tactics: ['AML.TA0003 Resource Development'], basis: ['Spectral signatures on train.csv'], confidence: 'high' }],
    timeline: [{ time: '2026-11-26T09:02:00.000Z', actor: 'A. Analyst', action: 'job.scan', summary: 'Scan of train.csv', phase: 'analysis', evidence: [{ label: 'scan result', sha256: sha('b') }] }],
    incident: [{ phase: 'detection', title: 'Detection', owner: 'SOC', status: 'done', started: '2026-11-26', completed: '2026-11-26', notes: '' }],
    recommendations: ["Quarantine the flagged rows of class 'horse'."],
    methods: [{ title: 'Scan of train.csv', kind: 'scan', createdAt: '2026-11-26T09:02:00.000Z', datasetSha256: sha('a'), params: { flag: { mode: 'fdr', q: 0.05 }, seed: 7 }, seed: 7, resultSha256: sha('b') }],
  };
}
