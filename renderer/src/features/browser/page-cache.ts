/**
 * Pages of rows fetched from the host for the row browser: fixed-size pages, at most `maxPages` kept (least
 * recently used dropped), each page requested once at a time.
 */
import type { RowsPage } from '../../../../shared/domain/dataset.ts';

export type FetchRows = (start: number, count: number) => Promise<RowsPage>;

export class RowPageCache {
  private readonly pages = new Map<number, RowsPage>();
  private readonly inFlight = new Set<number>();
  private readonly failed = new Map<number, string>();
  private listener: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly fetchRows: FetchRows,
    readonly rows: number,
    readonly pageSize = 256,
    private readonly maxPages = 80,
  ) {}

  onChange(listener: (() => void) | null): void {
    this.listener = listener;
  }

  close(): void {
    this.closed = true;
    this.listener = null;
  }

  pageOf(row: number): number {
    return Math.floor(row / this.pageSize);
  }

  /** The page holding `row`, if loaded (marks it recently used). */
  page(row: number): RowsPage | undefined {
    const p = this.pageOf(row);
    const page = this.pages.get(p);
    if (page) {
      this.pages.delete(p);
      this.pages.set(p, page);
    }
    return page;
  }

  error(row: number): string | undefined {
    return this.failed.get(this.pageOf(row));
  }

  has(page: number): boolean {
    return this.pages.has(page);
  }

  /** Requests the pages covering rows [first, last] that are neither loaded nor on their way. */
  request(first: number, last: number): number {
    let asked = 0;
    const lo = this.pageOf(Math.max(0, first));
    const hi = this.pageOf(Math.min(this.rows - 1, last));
    for (let p = lo; p <= hi; p++) {
      if (this.pages.has(p) || this.inFlight.has(p)) continue;
      asked++;
      this.inFlight.add(p);
      const start = p * this.pageSize;
      this.fetchRows(start, Math.min(this.pageSize, this.rows - start))
        .then((page) => {
          if (this.closed) return;
          this.failed.delete(p);
          this.pages.set(p, page);
          while (this.pages.size > this.maxPages) {
            const oldest = this.pages.keys().next().value;
            if (oldest === undefined) break;
            this.pages.delete(oldest);
          }
        })
        .catch((err: unknown) => {
          if (!this.closed) this.failed.set(p, err instanceof Error ? err.message : String(err));
        })
        .finally(() => {
          this.inFlight.delete(p);
          if (!this.closed) this.listener?.();
        });
    }
    return asked;
  }
}
