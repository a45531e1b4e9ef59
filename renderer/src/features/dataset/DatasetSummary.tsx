import { useState } from 'react';
import { useStore } from '../../store/index.ts';
import { formatBytes } from '../../ui/bytes.ts';

const nf = new Intl.NumberFormat('en-US');

/** Name, shape, hash and class sizes of the open dataset. */
export function DatasetSummary() {
  const dataset = useStore((s) => s.dataset);
  const [copied, setCopied] = useState(false);
  if (!dataset) return null;

  const copyHash = async () => {
    try {
      await navigator.clipboard.writeText(dataset.sha256);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Clipboard access can be refused (no focus, permissions); the full hash stays visible on hover.
    }
  };
  const maxCount = Math.max(1, ...dataset.classCounts);

  return (
    <section className="panel" data-testid="dataset-summary" aria-labelledby="dataset-title">
      <h2 id="dataset-title" className="dataset-name" title={dataset.path ?? dataset.name}>
        {dataset.name}
      </h2>
      <dl className="facts">
        <dt>Shape</dt>
        <dd data-testid="dataset-shape">
          {nf.format(dataset.rows)} rows × {nf.format(dataset.dims)} dims
        </dd>
        <dt>Label</dt>
        <dd>
          <code>{dataset.labelColumn}</code>
          {dataset.idColumn && (
            <>
              {' '}
              · id <code>{dataset.idColumn}</code>
            </>
          )}
        </dd>
        {dataset.sizeBytes > 0 && (
          <>
            <dt>Size</dt>
            <dd>{formatBytes(dataset.sizeBytes)}</dd>
          </>
        )}
        <dt>SHA-256</dt>
        <dd>
          <button
            type="button"
            className="hash"
            title={`${dataset.sha256} — click to copy`}
            aria-label={`SHA-256 ${dataset.sha256}, copy`}
            data-testid="dataset-sha256"
            data-sha256={dataset.sha256}
            onClick={() => void copyHash()}
          >
            {dataset.sha256.slice(0, 12)}…{dataset.sha256.slice(-4)}
          </button>
          {copied && <span className="muted small"> copied</span>}
        </dd>
      </dl>
      <h3>
        {dataset.classNames.length} classes
      </h3>
      <ul className="class-bars" data-testid="dataset-classes">
        {dataset.classNames.map((name, i) => (
          <li key={i} title={`${name}: ${nf.format(dataset.classCounts[i])} rows`}>
            <span className="class-name">{name}</span>
            <span className="bar">
              <span style={{ width: `${(100 * dataset.classCounts[i]) / maxCount}%` }} />
            </span>
            <span className="num">{nf.format(dataset.classCounts[i])}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
