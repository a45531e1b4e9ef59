/**
 * Worksheets outlive a reload: the store's worksheets are kept in this browser's localStorage (per origin, like
 * the recent-files list) and read back through parseWorksheet, so a stored draft of an older version migrates
 * and a damaged one is reported rather than loaded. A case, when one is open, is where worksheets are saved for
 * good; this is the safety net for a workshop run without one.
 */
import { parseWorksheet, type Worksheet } from '../../../../shared/domain/worksheet.ts';
import { useStore } from '../../store/index.ts';

const KEY = 'assay.worksheets.v1';
let started = false;

interface Saved {
  worksheets: Worksheet[];
  setAside: Worksheet[];
  activeId: string | null;
  problems: string[];
}

function read(): Saved {
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(KEY) ?? 'null');
  } catch {
    return { worksheets: [], setAside: [], activeId: null, problems: ['the saved worksheets are not valid JSON'] };
  }
  if (!raw || typeof raw !== 'object') return { worksheets: [], setAside: [], activeId: null, problems };
  const { list, setAside, activeId } = raw as { list?: unknown; setAside?: unknown; activeId?: unknown };
  const parseAll = (items: unknown) => {
    const out: Worksheet[] = [];
    for (const item of Array.isArray(items) ? items : []) {
      try {
        out.push(parseWorksheet(item).worksheet);
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
    }
    return out;
  };
  return { worksheets: parseAll(list), setAside: parseAll(setAside), activeId: typeof activeId === 'string' ? activeId : null, problems };
}

/** Loads the saved worksheets once (unless something, e.g. a case, already put some in the store) and keeps saving. */
export function startWorksheetPersistence(): void {
  if (started) return;
  started = true;
  const state = useStore.getState();
  if (state.worksheets.length === 0) {
    const saved = read();
    if (saved.worksheets.length) state.loadWorksheets(saved.worksheets, saved.activeId);
    if (saved.setAside.length) useStore.setState({ setAsideWorksheets: saved.setAside });
    if (saved.problems.length) {
      // Keep the unreadable text aside before the next save replaces it.
      localStorage.setItem(`${KEY}.unreadable.${Date.now()}`, localStorage.getItem(KEY) ?? '');
      state.showError('Restore worksheets', `${saved.problems.length} saved worksheet(s) could not be read and were left out (their text is kept in localStorage under ${KEY}.unreadable.*): ${saved.problems.join('; ')}`);
    }
  }
  let timer: ReturnType<typeof setTimeout> | null = null;
  useStore.subscribe((s, prev) => {
    if (s.worksheets === prev.worksheets && s.activeWorksheetId === prev.activeWorksheetId && s.setAsideWorksheets === prev.setAsideWorksheets) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const now = useStore.getState();
      try {
        localStorage.setItem(KEY, JSON.stringify({ list: now.worksheets, setAside: now.setAsideWorksheets, activeId: now.activeWorksheetId }));
      } catch (err) {
        now.showError('Keep worksheets', `the browser refused to store them (${err instanceof Error ? err.message : String(err)}); export them to a file`);
      }
    }, 300);
  });
}
