import { useEffect, useMemo, useState } from 'react';
import type { Layout, PlotData } from 'plotly.js-strict-dist-min';
import type { DatasetSummary as Summary } from '../../../../shared/domain/dataset.ts';
import type { ValidationReport } from '../../../../shared/domain/ingest.ts';
import { useStore } from '../../store/index.ts';
import { formatBytes } from '../../ui/bytes.ts';
import { formatPercent, nf } from '../../ui/format.ts';
import { Plot } from '../../ui/Plot.tsx';
import { ColumnTable } from './ColumnTable.tsx';
import { loadReport } from './report.ts';

function ClassBalance({ dataset }: { dataset: Summary }) {
  const total = dataset.classCounts.reduce((a, b) => a + b, 0);
  const { data, layout } = useMemo(() => {
    const data: PlotData[] = [
      {
        type: 'bar',
        x: dataset.classNames,
        y: dataset.classCounts,
        marker: { color: '#64748b' },
        hovertemplate: '%{x}: %{y:,} rows<extra></extra>',
      },
    ];
    const layout: Layout = {
      height: 200,
      margin: { l: 56, r: 8, t: 6, b: 48 },
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      font: { size: 12 },
      xaxis: { type: 'category', automargin: true, tickangle: dataset.classNames.length > 12 ? -45 : 0 },
      yaxis: { title: { text: 'rows' }, rangemode: 'tozero', gridcolor: '#eef0f3' },
      bargap: 0.15,
    };
    return { data, layout };
  }, [dataset]);
  const min = Math.min(...dataset.classCounts);
  const max = Math.max(...dataset.classCounts);
  return (
    <section className="panel" aria-labelledby="balance-title" data-testid="class-balance" data-classes={dataset.classNames.length}>
      <div className="panel-head">
        <h2 id="balance-title">Class balance</h2>
        <span className="muted small">
          {dataset.classNames.length} {dataset.classNames.length === 1 ? 'class' : 'classes'}
          {dataset.classNames.length > 1 && ` · smallest ${nf.format(min)} (${formatPercent(min / Math.max(1, total))}), largest ${nf.format(max)} (${formatPercent(max / Math.max(1, total))})`}
          {dataset.labelColumn === null && ' · no label column: every row in one class'}
        </span>
      </div>
      <Plot data={data} layout={layout} config={{ displayModeBar: false }} points={dataset.classNames.length} dataKey={dataset.id} testId="class-balance-plot" label="Rows per class" className="plot small-plot" />
    </section>
  );
}

function ProblemList({ v }: { v: ValidationReport }) {
  const [limit, setLimit] = useState(50);
  if (v.problemsTotal === 0) return null;
  const shown = v.problems.slice(0, limit);
  const more = v.problemsTotal - shown.length;
  return (
    <>
      <h3>Problems ({nf.format(v.problemsTotal)})</h3>
      <div className="table-scroll problems">
        <table className="grid dense" data-testid="problem-list">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col" className="num">{v.format === 'npy' || v.format === 'parquet' ? 'Row' : 'Line'}</th>
              <th scope="col">Column</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((p, i) => (
              <tr key={i} data-line={p.line ?? ''}>
                <td>
                  <code>{p.file}</code>
                </td>
                <td className="num">{p.line ?? '—'}</td>
                <td>{p.column ? <code>{p.column}</code> : '—'}</td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more > 0 && (
        <p className="muted small" data-testid="problems-more">
          and {nf.format(more)} more
          {shown.length < v.problems.length && (
            <>
              {' '}
              <button type="button" className="btn tiny" onClick={() => setLimit(limit + 200)}>
                show more
              </button>
            </>
          )}
          {v.problemsTotal > v.problems.length && ` (the report keeps the first ${nf.format(v.problems.length)})`}
        </p>
      )}
    </>
  );
}

function Validation({ v }: { v: ValidationReport }) {
  const selectRow = useStore((s) => s.selectRow);
  const issues = v.rowsSkipped > 0 || v.problemsTotal > 0 || v.duplicateIds.count > 0 || v.exactDuplicateRows.count > 0;
  return (
    <section className="panel" aria-labelledby="validation-title" data-testid="validation-report">
      <div className="panel-head">
        <h2 id="validation-title">Validation</h2>
        <span className={`badge ${issues ? 'flagged' : 'done'}`}>{issues ? 'issues found' : 'clean'}</span>
      </div>
      <p className="validation-summary" data-testid="validation-summary">
        {nf.format(v.rows)} rows loaded of {nf.format(v.rowsRead)} read from <code>{v.file}</code>
        {v.rowsSkipped > 0 ? (
          <>
            ; <strong className="bad">{nf.format(v.rowsSkipped)} skipped</strong> ({v.format === 'npy' || v.format === 'parquet' ? 'rows' : 'lines'}{' '}
            <span data-testid="skipped-lines">
              {v.skippedLines.slice(0, 12).join(', ')}
              {v.skippedLines.length > 12 && ', …'}
            </span>
            )
          </>
        ) : (
          '; none skipped'
        )}
        {' · '}
        {nf.format(v.columns)} columns · {nf.format(v.labelCardinality)} label values
        {' · '}
        {v.problemsTotal === 0 ? 'no problems' : `${nf.format(v.problemsTotal)} problem${v.problemsTotal === 1 ? '' : 's'}`}
      </p>
      <div className="dup-grid">
        <div data-testid="duplicate-ids">
          <h3>Duplicate ids</h3>
          {v.duplicateIds.count === 0 ? (
            <p className="muted small">Every id is unique.</p>
          ) : (
            <p className="small">
              <strong className="warn">{nf.format(v.duplicateIds.count)}</strong> rows repeat an earlier id, e.g.{' '}
              {v.duplicateIds.examples.slice(0, 8).map((id) => (
                <code key={id} className="chip">
                  {id}
                </code>
              ))}
            </p>
          )}
        </div>
        <div data-testid="duplicate-rows">
          <h3>Exact duplicate rows</h3>
          {v.exactDuplicateRows.count === 0 ? (
            <p className="muted small">No row repeats another's features and label.</p>
          ) : (
            <>
              <p className="small">
                <strong className="warn">{nf.format(v.exactDuplicateRows.count)}</strong> rows repeat an earlier row bit for bit (features and label; ids aside)
                {v.exactDuplicateRows.groups.length > 0 && `; ${v.exactDuplicateRows.groups.length} groups shown`}:
              </p>
              <ul className="dup-groups">
                {v.exactDuplicateRows.groups.map((g, i) => (
                  <li key={i}>
                    {g.map((row) => (
                      <button key={row} type="button" className="chip linkish" title="Show in the row inspector" onClick={() => selectRow(row)}>
                        #{row}
                      </button>
                    ))}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      </div>
      <ProblemList v={v} />
    </section>
  );
}

/** What is in the open dataset: its facts, class balance, validation report and per-column summaries. */
export function DatasetOverview() {
  const dataset = useStore((s) => s.dataset);
  const report = useStore((s) => (s.dataset && s.dataset.id in s.reports ? s.reports[s.dataset.id] : undefined));
  useEffect(() => {
    if (dataset) loadReport(dataset.id);
  }, [dataset]);
  if (!dataset) return null;
  return (
    <div className="dataset-overview" data-testid="dataset-overview">
      <section className="panel" aria-labelledby="facts-title">
        <div className="panel-head">
          <h2 id="facts-title" className="dataset-name">
            {dataset.name}
          </h2>
        </div>
        <dl className="facts wide-facts" data-testid="overview-facts">
          <dt>Format</dt>
          <dd data-testid="overview-format">{dataset.format}</dd>
          <dt>Rows × features</dt>
          <dd data-testid="overview-shape">
            {nf.format(dataset.rows)} × {nf.format(dataset.dims)}
          </dd>
          <dt>Size</dt>
          <dd>{dataset.sizeBytes > 0 ? formatBytes(dataset.sizeBytes) : '—'}</dd>
          <dt>Label</dt>
          <dd>{dataset.labelColumn ? <code>{dataset.labelColumn}</code> : <span className="muted">none (one class)</span>}</dd>
          <dt>Id</dt>
          <dd>{dataset.idColumn ? <code>{dataset.idColumn}</code> : <span className="muted">row numbers</span>}</dd>
          {dataset.path && (
            <>
              <dt>Path</dt>
              <dd>
                <code>{dataset.path}</code>
              </dd>
            </>
          )}
          <dt>SHA-256</dt>
          <dd>
            <code className="sha" data-testid="overview-sha256">
              {dataset.sha256}
            </code>
          </dd>
        </dl>
      </section>
      <ClassBalance dataset={dataset} />
      {report === undefined && <p className="muted panel">Reading the validation report…</p>}
      {report === null && (
        <section className="panel" data-testid="validation-report">
          <h2>Validation</h2>
          <p className="muted">Generated data has no file to validate: every value is finite and every row has a label.</p>
        </section>
      )}
      {report && (
        <>
          <Validation v={report.validation} />
          <section className="panel" aria-labelledby="columns-title" data-testid="column-summaries">
            <div className="panel-head">
              <h2 id="columns-title">Columns</h2>
              <span className="muted small">validation per column and summaries of the loaded values</span>
            </div>
            <ColumnTable perColumn={report.validation.perColumn} summaries={report.summaries} />
          </section>
        </>
      )}
    </div>
  );
}
