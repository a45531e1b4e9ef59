import { useEffect } from 'react';
import { useStore } from '../../store/index.ts';
import { listenToCase } from './actions.ts';

/** Keeps the open case in step with the host for as long as the app is mounted. */
export function useCaseSession(): void {
  useEffect(() => listenToCase(), []);
}

/** The header's way to the open case (and back); nothing when no case is open. */
export function CaseButton() {
  const name = useStore((s) => s.caseView?.document.name ?? null);
  const broken = useStore((s) => s.caseView !== null && !s.caseView.audit.ok);
  const view = useStore((s) => s.view);
  const hasDataset = useStore((s) => s.dataset !== null);
  const setView = useStore((s) => s.setView);
  if (name === null) return null;
  return (
    <button
      type="button"
      className={`btn small ${broken ? 'danger' : ''}`}
      data-testid="go-case"
      aria-pressed={view === 'case'}
      title={broken ? 'The case’s audit log does not verify' : 'The open case: datasets, incident, timeline, notes'}
      onClick={() => setView(view === 'case' ? (hasDataset ? 'workspace' : 'start') : 'case')}
    >
      {view === 'case' ? (hasDataset ? 'Back to the dataset' : 'Back to start') : `Case: ${name}${broken ? ' ⚠' : ''}`}
    </button>
  );
}
