import { useEffect } from 'react';
import { getClient } from '../api/client.ts';
import { openWithProposedRoles } from '../api/open-with-roles.ts';
import { RowBrowser } from '../features/browser/index.ts';
import { DatasetOverview, DatasetSummary } from '../features/dataset/index.ts';
import { InfluenceView } from '../features/influence/index.ts';
import { PrivacyView } from '../features/privacy/index.ts';
import { DriftView } from '../features/drift/index.ts';
import { ImportDialogHost, OpenFileCard } from '../features/import/index.ts';
import { Agreement } from '../features/agreement/index.ts';
import { DetectorPanel } from '../features/detect/index.ts';
import { JobBar, JobList } from '../features/jobs/index.ts';
import { Overview } from '../features/overview/index.ts';
import { QuarantinePanel } from '../features/quarantine/index.ts';
import { RowInspector } from '../features/rows/index.ts';
import { StartScreen } from '../features/start/index.ts';
import { CaseButton, CasePage, CaseStartCard, useCaseSession } from '../features/case/index.ts';
import { Triage } from '../features/triage/index.ts';
import { ThreatModelView } from '../features/worksheet/index.ts';
import { listenToJobs, selectScan, startJob, useStore } from '../store/index.ts';
import type { WorkspaceTab } from './slice.ts';

/** Connects to the host once: app info, job events, and the dataset named on the command line. */
function useHostSession(): void {
  useEffect(() => {
    const off = listenToJobs();
    let stale = false;
    getClient()
      .getAppInfo()
      .then((info) => {
        if (stale) return;
        useStore.getState().setAppInfo(info);
        const initial = info.initialDataset;
        if (initial && !useStore.getState().dataset) {
          void startJob('Open dataset', () =>
            openWithProposedRoles(initial.path, { label: initial.labelColumn ?? undefined, id: initial.idColumn ?? undefined }),
          );
        }
      })
      .catch((err: unknown) => useStore.getState().showError('Connect to Assay', err));
    return () => {
      stale = true;
      off();
    };
  }, []);
}

function ErrorBanner() {
  const error = useStore((s) => s.error);
  const clearError = useStore((s) => s.clearError);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-message">
      <strong>{error.context}:</strong> <span className="error-body">{error.message}</span>
      <button type="button" className="btn small" onClick={clearError} aria-label="Dismiss error">
        ×
      </button>
    </div>
  );
}

function Header() {
  const dataset = useStore((s) => s.dataset);
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const info = useStore((s) => s.appInfo);
  return (
    <header className="appbar">
      <span className="brand">Assay</span>
      {dataset && view === 'workspace' && (
        <span className="appbar-dataset" title={dataset.path ?? dataset.name}>
          {dataset.name}
        </span>
      )}
      <span className="spacer" />
      {view === 'workspace' && (
        <button type="button" className="btn small" data-testid="go-start" onClick={() => setView('start')}>
          Open another dataset
        </button>
      )}
      <CaseButton />
      <button
        type="button"
        className="btn small"
        data-testid="go-threat-model"
        aria-pressed={view === 'threat-model'}
        title="Threat-modeling worksheets: risk, controls, ATLAS mapping, workshop mode"
        onClick={() => setView(view === 'threat-model' ? (dataset ? 'workspace' : 'start') : 'threat-model')}
      >
        {view === 'threat-model' ? (dataset ? 'Back to the dataset' : 'Back to start') : 'Threat model'}
      </button>
      {info && (
        <span className="muted small" title={`transport: ${info.transport}`}>
          v{info.version}
        </span>
      )}
    </header>
  );
}

const TABS: { key: WorkspaceTab; label: string; hint: string }[] = [
  { key: 'overview', label: 'Overview', hint: 'What is in the data: class balance, validation report, column summaries' },
  { key: 'rows', label: 'Rows', hint: 'Every row, by number or id' },
  { key: 'triage', label: 'Triage', hint: "The detectors' verdicts per class" },
  { key: 'influence', label: 'Influence', hint: 'Which training rows pushed the model: influence, self-influence, what-if, certified robustness' },
  { key: 'privacy', label: 'Privacy & bias', hint: 'PII in text columns, k-anonymity, train/test leakage, membership inference, per-group disparities' },
  { key: 'drift', label: 'Drift', hint: 'This dataset against a baseline (per column, labels, embeddings) and monitoring over snapshots with control charts' },
];

function WorkspaceTabs() {
  const tab = useStore((s) => s.workspaceTab);
  const setTab = useStore((s) => s.setWorkspaceTab);
  const hasScan = useStore((s) => selectScan(s) !== null);
  return (
    <div className="tabs workspace-tabs" role="tablist" aria-label="Workspace" data-testid="workspace-tabs">
      {TABS.map((t) => (
        <button
          key={t.key}
          type="button"
          role="tab"
          id={`tab-${t.key}`}
          aria-selected={tab === t.key}
          aria-controls="workspace-main"
          className={`tab ${tab === t.key ? 'active' : ''}`}
          title={t.hint}
          data-testid={`tab-${t.key}`}
          onClick={() => setTab(t.key)}
        >
          {t.label}
          {t.key === 'triage' && !hasScan && <span className="muted small"> (no scan)</span>}
        </button>
      ))}
    </div>
  );
}

function Workspace() {
  const tab = useStore((s) => s.workspaceTab);
  return (
    <main className="workspace" data-testid="workspace">
      <aside className="col-left">
        <DatasetSummary />
        <DetectorPanel />
        <JobList />
      </aside>
      <div className={`col-main tab-${tab}`}>
        <WorkspaceTabs />
        <div id="workspace-main" role="tabpanel" aria-labelledby={`tab-${tab}`} className="tab-panel">
          {tab === 'overview' && <DatasetOverview />}
          {tab === 'rows' && <RowBrowser />}
          {tab === 'influence' && <InfluenceView />}
          {tab === 'privacy' && <PrivacyView />}
          {tab === 'drift' && <DriftView />}
          {tab === 'triage' && (
            <>
              <Overview />
              <Triage />
              <Agreement />
            </>
          )}
        </div>
      </div>
      <aside className="col-right">
        <RowInspector />
        <QuarantinePanel />
      </aside>
    </main>
  );
}

export function App() {
  useHostSession();
  useCaseSession();
  const view = useStore((s) => s.view);
  const hasDataset = useStore((s) => s.dataset !== null);
  return (
    <div className="app">
      <Header />
      <JobBar />
      <ErrorBanner />
      {view === 'case' ? (
        <CasePage />
      ) : view === 'threat-model' ? (
        <ThreatModelView />
      ) : view === 'workspace' && hasDataset ? (
        <Workspace />
      ) : (
        <StartScreen
          openFile={
            <>
              <OpenFileCard />
              <CaseStartCard />
            </>
          }
        />
      )}
      <ImportDialogHost />
    </div>
  );
}
