import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { getClient } from '../../api/client.ts';
import { errorMessage } from '../../app/slice.ts';
import { useStore } from '../../store/index.ts';
import { nf } from '../../ui/format.ts';
import { RowPageCache } from './page-cache.ts';

/** Fixed geometry: every row is ROW_H pixels, so a row's position is arithmetic, not measurement. */
const ROW_H = 24;
const HEAD_H = 28;
/** Chromium caps an element's height near 33.5 M px: up to this (1.25 M rows) scrolling is native; past it, scaled. */
const MAX_SCROLL_H = 30_000_000;
/** Pages are fetched at most this often while scrolling; the last position is always fetched. */
const FETCH_INTERVAL_MS = 120;
const COL_W = { index: 84, id: 130, label: 120, feature: 86 };
const FEATURE_COUNTS = [8, 16, 32, 64];

function cell(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return v.toFixed(4);
}

interface Geometry {
  rows: number;
  bodyH: number;
  virtH: number;
  scaled: boolean;
}

function geometry(rows: number, clientH: number): Geometry {
  const fullH = rows * ROW_H;
  const scaled = fullH > MAX_SCROLL_H;
  return { rows, bodyH: Math.max(ROW_H, clientH - HEAD_H), virtH: scaled ? MAX_SCROLL_H : fullH, scaled };
}

/** First visible row, fractional, for a scroll position. */
function topRow(g: Geometry, scrollTop: number): number {
  if (!g.scaled) return scrollTop / ROW_H;
  const maxScroll = Math.max(1, g.virtH - g.bodyH);
  const maxTop = Math.max(0, g.rows - g.bodyH / ROW_H);
  return (Math.min(scrollTop, maxScroll) / maxScroll) * maxTop;
}

/** Scroll position that shows row `top` first. */
function scrollFor(g: Geometry, top: number): number {
  const maxScroll = Math.max(0, g.virtH - g.bodyH);
  if (!g.scaled) return Math.max(0, Math.min(maxScroll, top * ROW_H));
  const maxTop = Math.max(1, g.rows - g.bodyH / ROW_H);
  return Math.max(0, Math.min(maxScroll, (top / maxTop) * maxScroll));
}

/**
 * Every row of the open dataset in a virtualised table: only the visible rows are in the DOM, pages come from
 * the host as the view moves (at most every FETCH_INTERVAL_MS while scrolling), and the row selected anywhere in
 * the app is scrolled into view.
 */
export function RowBrowser() {
  const dataset = useStore((s) => s.dataset);
  const selectedRow = useStore((s) => s.selectedRow);
  const selectRow = useStore((s) => s.selectRow);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [clientH, setClientH] = useState(480);
  const [, setTick] = useState(0);
  const [featStart, setFeatStart] = useState(0);
  const [featCount, setFeatCount] = useState(16);
  const [jump, setJump] = useState('');
  const [search, setSearch] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const datasetId = dataset?.id ?? null;
  const rows = dataset?.rows ?? 0;
  const dims = dataset?.dims ?? 0;

  const cache = useMemo(
    () => (datasetId ? new RowPageCache((start, count) => getClient().getRows({ datasetId, start, count }), rows) : null),
    [datasetId, rows],
  );
  useEffect(() => {
    if (!cache) return;
    cache.onChange(() => setTick((t) => t + 1));
    return () => cache.close();
  }, [cache]);

  // Track the viewport's height.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    setClientH(el.clientHeight);
    const ro = new ResizeObserver(() => setClientH(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const g = geometry(rows, clientH);
  const top = topRow(g, scrollTop);
  const first = Math.max(0, Math.min(rows - 1, Math.floor(top)));
  const offset = (top - first) * ROW_H;
  const visible = Math.ceil(g.bodyH / ROW_H) + 1;
  const last = Math.min(rows - 1, first + visible);

  // Fetch what is visible: at once when the last fetch was a while ago, else when the scroll pauses.
  const lastFetch = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (!cache || rows === 0) return;
    const fetchNow = () => {
      lastFetch.current = performance.now();
      cache.request(first, last + Math.ceil(visible / 2));
    };
    if (timer.current) clearTimeout(timer.current);
    if (performance.now() - lastFetch.current >= FETCH_INTERVAL_MS) fetchNow();
    else timer.current = setTimeout(fetchNow, FETCH_INTERVAL_MS);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [cache, first, last, visible, rows]);

  const pending = useRef<number | null>(null);
  const onScroll = () => {
    if (pending.current !== null) return;
    pending.current = requestAnimationFrame(() => {
      pending.current = null;
      if (scrollRef.current) setScrollTop(scrollRef.current.scrollTop);
    });
  };
  useEffect(() => () => {
    if (pending.current !== null) cancelAnimationFrame(pending.current);
  }, []);

  /** Scrolls so that `row` is in view (centred when it was out of view). */
  const reveal = useCallback(
    (row: number) => {
      const el = scrollRef.current;
      if (!el || row < 0 || row >= rows) return;
      const gg = geometry(rows, el.clientHeight);
      const t = topRow(gg, el.scrollTop);
      const fullyVisible = Math.floor(gg.bodyH / ROW_H);
      if (row >= Math.ceil(t) && row < Math.floor(t) + fullyVisible - 1) return;
      const target = scrollFor(gg, row - (fullyVisible - 1) / 2);
      el.scrollTop = target;
      setScrollTop(el.scrollTop);
    },
    [rows],
  );

  // The row selected anywhere (plot, ranking, quarantine list, the search here) is brought into view.
  useEffect(() => {
    if (selectedRow !== null) reveal(selectedRow);
  }, [selectedRow, reveal, clientH]);

  if (!dataset || !cache) return null;

  const shownFeatures = Math.max(0, Math.min(featCount, dims - featStart));
  const featureIdx = Array.from({ length: shownFeatures }, (_, k) => featStart + k);
  const template = `${COL_W.index}px ${COL_W.id}px ${COL_W.label}px ${featureIdx.map(() => `${COL_W.feature}px`).join(' ')}`;
  const width = COL_W.index + COL_W.id + COL_W.label + shownFeatures * COL_W.feature;

  const rendered = [];
  for (let r = first; r <= last && rows > 0; r++) {
    const page = cache.page(r);
    const k = page ? r - page.start : -1;
    const selected = r === selectedRow;
    rendered.push(
      <div
        key={r}
        className={`rb-row ${selected ? 'selected' : ''} ${r % 2 ? 'odd' : ''}`}
        role="row"
        aria-rowindex={r + 2}
        aria-selected={selected}
        data-row={r}
        data-id={page ? page.ids[k] : undefined}
        data-testid="rb-row"
        style={{ gridTemplateColumns: template, height: ROW_H }}
        onClick={() => selectRow(r)}
      >
        <span role="gridcell" className="rb-cell num sticky c0">
          {nf.format(r)}
        </span>
        <span role="gridcell" className="rb-cell sticky c1" title={page?.ids[k]}>
          {page ? <span className="rb-text">{page.ids[k]}</span> : <span className="rb-loading">{cache.error(r) ? '!' : '…'}</span>}
        </span>
        <span role="gridcell" className="rb-cell sticky c2" title={page ? dataset.classNames[page.labels[k]] : undefined}>
          {page ? <span className="rb-text">{dataset.classNames[page.labels[k]]}</span> : ''}
        </span>
        {featureIdx.map((f) => (
          <span role="gridcell" key={f} className="rb-cell num">
            {page ? cell(page.features[k * dims + f]) : ''}
          </span>
        ))}
      </div>,
    );
  }

  const goTo = (e: FormEvent) => {
    e.preventDefault();
    const raw = jump.trim().replace(/[,_\s]/g, '');
    const n = Number(raw);
    if (raw === '' || !Number.isInteger(n) || n < 0 || n >= rows) {
      setMessage({ text: `Row # must be a whole number from 0 to ${nf.format(rows - 1)} (got '${jump}').`, error: true });
      return;
    }
    setMessage(null);
    selectRow(n);
    reveal(n);
  };

  const find = async (e: FormEvent) => {
    e.preventDefault();
    const id = search.trim();
    if (!id) return;
    try {
      const index = await getClient().findRow({ datasetId: dataset.id, id });
      if (index === null) {
        setMessage({ text: `No row has the id '${id}'${dataset.idColumn ? ` (column '${dataset.idColumn}')` : ' (ids are the row numbers from 1)'}.`, error: true });
        return;
      }
      setMessage({ text: `'${id}' is row #${nf.format(index)}.`, error: false });
      selectRow(index);
      reveal(index);
    } catch (err) {
      setMessage({ text: errorMessage(err), error: true });
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const from = selectedRow ?? first;
    const next = Math.max(0, Math.min(rows - 1, from + (e.key === 'ArrowDown' ? 1 : -1)));
    selectRow(next);
  };

  return (
    <section className="panel row-browser" aria-labelledby="rb-title" data-testid="row-browser">
      <div className="panel-head">
        <h2 id="rb-title">Rows</h2>
        <form className="rb-tool" onSubmit={goTo}>
          <label>
            <span className="muted small">Row #</span>
            <input type="text" inputMode="numeric" data-testid="rb-jump" aria-label="Jump to row number (0-based, as in the inspector)" placeholder={`0 – ${nf.format(Math.max(0, rows - 1))}`} value={jump} onChange={(e) => setJump(e.target.value)} />
          </label>
          <button type="submit" className="btn small" data-testid="rb-jump-go">
            Go
          </button>
        </form>
        <form className="rb-tool" onSubmit={(e) => void find(e)}>
          <label>
            <span className="muted small">Id</span>
            <input type="search" data-testid="rb-search" aria-label="Find a row by id" placeholder={dataset.idColumn ? `a value of ${dataset.idColumn}` : 'row number from 1'} value={search} onChange={(e) => setSearch(e.target.value)} />
          </label>
          <button type="submit" className="btn small" data-testid="rb-search-go">
            Find
          </button>
        </form>
        <span className="rb-tool">
          <span className="muted small">Features</span>
          <input
            type="number"
            className="rb-feat-start"
            aria-label="First feature shown (0-based)"
            data-testid="rb-feature-start"
            min={0}
            max={Math.max(0, dims - 1)}
            value={featStart}
            onChange={(e) => setFeatStart(Math.max(0, Math.min(dims - 1, Math.floor(Number(e.target.value) || 0))))}
          />
          <select aria-label="Features shown" value={featCount} onChange={(e) => setFeatCount(Number(e.target.value))}>
            {FEATURE_COUNTS.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <span className="muted small">of {nf.format(dims)}</span>
        </span>
      </div>
      {message && (
        <p className={`small rb-message ${message.error ? 'error-text' : 'muted'}`} role="status" data-testid="rb-message">
          {message.text}
        </p>
      )}
      <div
        className="rb-scroll"
        ref={scrollRef}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        tabIndex={0}
        role="grid"
        aria-rowcount={rows + 1}
        aria-label={`Rows of ${dataset.name}`}
        data-testid="rb-scroll"
        data-first={first}
      >
        <div className="rb-spacer" style={{ height: HEAD_H + g.virtH, width }}>
          <div className="rb-head" role="row" style={{ gridTemplateColumns: template, height: HEAD_H, width }}>
            <span role="columnheader" className="rb-cell num sticky c0">
              #
            </span>
            <span role="columnheader" className="rb-cell sticky c1">
              {dataset.idColumn ?? 'id'}
            </span>
            <span role="columnheader" className="rb-cell sticky c2">
              {dataset.labelColumn ?? 'label'}
            </span>
            {featureIdx.map((f) => (
              <span role="columnheader" key={f} className="rb-cell num" title={dataset.featureNames[f]}>
                {dataset.featureNames[f] ?? `f${f}`}
              </span>
            ))}
          </div>
          <div className="rb-body" style={{ top: HEAD_H + (g.scaled ? scrollTop - offset : first * ROW_H), width }}>
            {rendered}
          </div>
        </div>
      </div>
      <p className="muted small rb-status" data-testid="rb-status">
        {rows === 0 ? 'No rows.' : `Rows ${nf.format(first)}–${nf.format(last)} of ${nf.format(rows)}`}
        {' · click a row to inspect it; ↑/↓ move the selection'}
      </p>
    </section>
  );
}
