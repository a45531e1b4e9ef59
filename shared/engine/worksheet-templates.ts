/**
 * Starting worksheets for three common situations. Each fills the system context, the threats that matter
 * there (with ATLAS ids, first estimates of P and I, and the adversaries who would act) and suggested controls
 * linked to them, ready to edit. The estimates are starting points for a workshop, not measurements.
 * Sources: Carlini et al., "Poisoning Web-Scale Training Datasets is Practical" (IEEE S&P 2024) for split-view
 * and front-running; Shafahi et al. 2018 (clean-label); Gu et al. 2017 (BadNets backdoors); Shokri et al. 2017
 * (membership inference); Carlini et al. 2021 (training-data extraction); Wallace et al. 2021 (concealed
 * poisoning through user feedback).
 */
import {
  createWorksheet,
  THREAT_KINDS,
  type Control,
  type ControlLayer,
  type DataSource,
  type Threat,
  type ThreatKind,
  type TrustLevel,
  type Worksheet,
} from '../domain/worksheet.ts';

export interface WorksheetTemplate {
  key: 'web-scraped' | 'outsourced-labeling' | 'user-feedback';
  title: string;
  summary: string;
  build(now: string): Worksheet;
}

type ThreatSeed = [kind: ThreatKind, title: string, p: number, i: number, adversaries: string[], controls: string[], description: string];
type ControlSeed = [id: string, name: string, layer: ControlLayer, e: number, coverage: number, owner: string, mitigations: string[], description: string];
type SourceSeed = [name: string, trust: TrustLevel, validation: number, compromise: number, description: string];

function fill(
  name: string,
  now: string,
  context: { model: string; purpose: string; sources: SourceSeed[] },
  controls: ControlSeed[],
  threats: ThreatSeed[],
): Worksheet {
  const w = createWorksheet(name, now);
  w.context.model = context.model;
  w.context.purpose = context.purpose;
  w.context.sources = context.sources.map(
    ([sourceName, trust, validation, compromise, description], i): DataSource => ({ id: `src-${i + 1}`, name: sourceName, description, trust, validation, compromise }),
  );
  w.controls = controls.map(
    ([id, controlName, layer, effectiveness, coverage, owner, mitigations, description]): Control => ({
      id,
      name: controlName,
      layer,
      description,
      effectiveness,
      coverage,
      owner,
      mitigations,
      evidence: [],
    }),
  );
  w.threats = threats.map(
    ([kind, title, probability, impact, adversaries, linked, description], i): Threat => ({
      id: `thr-${i + 1}`,
      title,
      kind,
      description,
      atlas: [...THREAT_KINDS[kind].atlas],
      probability,
      impact,
      weight: 1,
      adversaries,
      controls: linked,
    }),
  );
  return w;
}

const NATION = 'adv-nation-state';
const CRIME = 'adv-organized-crime';
const COMPETITOR = 'adv-competitor';
const INSIDER = 'adv-insider';
const RESEARCHER = 'adv-researcher';

export const WORKSHEET_TEMPLATES: WorksheetTemplate[] = [
  {
    key: 'web-scraped',
    title: 'Web-scraped pre-training corpus',
    summary: 'A model pre-trained on data crawled from the web or taken from public URL-list datasets.',
    build: (now) =>
      fill(
        'Web-scraped pre-training corpus',
        now,
        {
          model: 'Foundation model pre-trained on a web crawl',
          purpose: 'General-purpose representation or language model, later fine-tuned for products',
          sources: [
            ['Public URL-list dataset (index of links, content fetched at training time)', 'public', 0.2, 0.3, 'Content behind each URL can change after indexing'],
            ['Own crawl of selected domains', 'partner', 0.6, 0.1, 'Crawled with stored content hashes'],
            ['Wikipedia snapshot', 'public', 0.5, 0.15, 'Snapshot timing is predictable (front-running)'],
          ],
        },
        [
          ['ctl-hash', 'Content hashes stored with the index; drop content that differs', 'provenance', 0.9, 0.7, 'Data engineering', ['AML.M0025', 'AML.M0014'], 'Defeats split-view poisoning for covered sources'],
          ['ctl-domains', 'Monitor expired domains in the URL list', 'provenance', 0.6, 0.8, 'Security team', ['AML.M0025'], 'Flags URLs whose domain changed hands'],
          ['ctl-scan', 'Poison detectors on embeddings per class (spectral, k-NN, duplicates)', 'anomaly-detection', 0.5, 0.6, 'ML engineering', ['AML.M0007'], 'Assay scans at a chosen FDR'],
          ['ctl-dedup', 'Near-duplicate removal and train/test overlap check', 'privacy', 0.5, 0.9, 'ML engineering', ['AML.M0007'], 'Reduces memorisation and extraction'],
          ['ctl-aibom', 'AI bill of materials for every corpus snapshot', 'governance', 0.3, 1, 'Risk & compliance', ['AML.M0023'], 'Records what went into each model'],
        ],
        [
          ['split-view', 'Split-view poisoning via expired domains', 0.4, 8, [RESEARCHER, CRIME], ['ctl-hash', 'ctl-domains'], 'Buy expired domains in the URL list and serve different content at training time'],
          ['split-view', 'Front-running a snapshot (e.g. Wikipedia edits before a dump)', 0.3, 6, [RESEARCHER, CRIME], ['ctl-hash'], 'Malicious edits timed to land in the snapshot before moderators revert them'],
          ['backdoor', 'Backdoor trigger planted in scraped content', 0.2, 9, [NATION, CRIME], ['ctl-scan'], 'Images or text carrying a trigger and a target concept'],
          ['clean-label', 'Clean-label poisoning of a target concept', 0.2, 7, [NATION, COMPETITOR], ['ctl-scan'], 'Correctly labelled but crafted examples that move a decision boundary'],
          ['training-data-extraction', 'Extraction of memorised personal data', 0.3, 7, [RESEARCHER, CRIME], ['ctl-dedup'], 'Prompts that make the model reproduce training text'],
          ['supply-chain', 'Compromised third-party dataset release', 0.15, 9, [NATION], ['ctl-aibom', 'ctl-hash'], 'A poisoned mirror or a tampered release of a public dataset'],
        ],
      ),
  },
  {
    key: 'outsourced-labeling',
    title: 'Outsourced labeling',
    summary: 'Labels produced by an external vendor or a crowd-sourcing platform.',
    build: (now) =>
      fill(
        'Outsourced labeling',
        now,
        {
          model: 'Supervised classifier trained on vendor-labelled data',
          purpose: 'Production classification with labels bought from a labelling vendor',
          sources: [
            ['Raw items collected in-house', 'trusted', 0.8, 0.05, 'Collected and hashed by our own pipeline'],
            ['Vendor labels (batch deliveries)', 'partner', 0.4, 0.2, 'Annotators unknown to us; batches signed by the vendor'],
            ['Crowd-sourced relabels for hard cases', 'untrusted', 0.2, 0.3, 'Open platform, anonymous workers'],
          ],
        },
        [
          ['ctl-gold', 'Gold questions and inter-annotator agreement per batch', 'anomaly-detection', 0.6, 0.8, 'Data owner', ['AML.M0007'], 'Catches careless and adversarial annotators'],
          ['ctl-cl', 'Confident learning and k-NN label disagreement on every delivery', 'anomaly-detection', 0.6, 0.9, 'ML engineering', ['AML.M0007'], 'Flags likely label errors at a chosen FDR'],
          ['ctl-signed', 'Signed batch manifests with annotator ids', 'provenance', 0.7, 0.7, 'Vendor manager', ['AML.M0025', 'AML.M0014'], 'Ties every label to a person and a batch'],
          ['ctl-robust', 'Noise-robust training loss', 'robust-training', 0.3, 1, 'ML engineering', ['AML.M0008'], 'Limits the effect of a bounded fraction of wrong labels'],
          ['ctl-contract', 'Vendor contract with audit rights and security clauses', 'governance', 0.3, 1, 'Risk & compliance', [], 'Transfers part of the risk and allows audits'],
        ],
        [
          ['label-flipping', 'Targeted label flips by a rogue annotator', 0.4, 7, [INSIDER, COMPETITOR], ['ctl-gold', 'ctl-cl', 'ctl-signed'], 'A few annotators flip labels of one class'],
          ['label-flipping', 'Systematic mislabelling by a careless vendor', 0.5, 5, [], ['ctl-gold', 'ctl-cl', 'ctl-robust'], 'Not malicious, but indistinguishable in effect'],
          ['backdoor', 'Backdoor planted through relabelled hard cases', 0.15, 9, [CRIME, NATION], ['ctl-cl', 'ctl-signed'], 'Trigger items labelled with the target class'],
          ['attribute-inference', 'Sensitive attributes leaked to annotators', 0.3, 6, [INSIDER], ['ctl-contract'], 'Annotators see raw personal data'],
          ['silent-corruption', 'Silent corruption of a delivered batch', 0.2, 5, [], ['ctl-signed'], 'Truncated or re-encoded files go unnoticed'],
        ],
      ),
  },
  {
    key: 'user-feedback',
    title: 'Fine-tuning on user feedback',
    summary: 'A deployed model fine-tuned on ratings, corrections or conversations from its users.',
    build: (now) =>
      fill(
        'Fine-tuning on user feedback',
        now,
        {
          model: 'Deployed model periodically fine-tuned on user feedback',
          purpose: 'Improve a product model from thumbs-up/down, corrections and conversation logs',
          sources: [
            ['Feedback from authenticated users', 'partner', 0.5, 0.15, 'Accounts can be created at scale'],
            ['Anonymous feedback widget', 'untrusted', 0.1, 0.4, 'No identity, easy to automate'],
            ['Curated evaluation set', 'trusted', 0.9, 0.02, 'Held out, reviewed by the team'],
          ],
        },
        [
          ['ctl-rate', 'Per-account rate limits and contribution caps', 'provenance', 0.6, 0.8, 'Platform team', ['AML.M0005'], 'Bounds how much of a fine-tuning batch one actor can supply'],
          ['ctl-filter', 'Anomaly screening of feedback batches before fine-tuning', 'anomaly-detection', 0.5, 0.7, 'ML engineering', ['AML.M0007'], 'Poison detectors and duplicate clusters per batch'],
          ['ctl-eval', 'Regression gate on the curated evaluation set', 'robust-training', 0.5, 1, 'ML engineering', ['AML.M0008'], 'Blocks a fine-tuned model that degrades or changes behaviour'],
          ['ctl-dp', 'Differentially private fine-tuning', 'privacy', 0.7, 0.6, 'ML engineering', [], 'Bounds what the model can reveal about one user'],
          ['ctl-review', 'Human review of high-influence feedback', 'governance', 0.4, 0.3, 'Product owner', [], 'Samples the feedback with the largest effect'],
        ],
        [
          ['gradient-based', 'Concealed poisoning through crafted feedback', 0.35, 8, [CRIME, RESEARCHER], ['ctl-rate', 'ctl-filter', 'ctl-eval'], 'Feedback optimised to implant a behaviour on a trigger phrase'],
          ['label-flipping', 'Coordinated negative ratings (brigading)', 0.5, 5, [CRIME, COMPETITOR], ['ctl-rate', 'ctl-filter'], 'Sock-puppet accounts rate correct answers down'],
          ['membership-inference', "Membership inference on users' feedback", 0.3, 6, [RESEARCHER, COMPETITOR], ['ctl-dp'], 'Whether a given conversation was used for fine-tuning'],
          ['training-data-extraction', "Extraction of other users' conversations", 0.25, 9, [CRIME, RESEARCHER], ['ctl-dp', 'ctl-review'], 'Prompts that make the model repeat fine-tuning data'],
          ['transferable-perturbation', 'Adversarial inputs transferred from a proxy model', 0.3, 4, [CRIME], ['ctl-eval'], 'Perturbations crafted on an open model of the same family'],
        ],
      ),
  },
];
