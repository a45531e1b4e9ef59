import { ComparePanel } from './ComparePanel.tsx';
import { MonitorPanel } from './MonitorPanel.tsx';
import './drift.css';

/** The workspace's Drift tab: the open dataset against a baseline, and monitoring over snapshots. */
export function DriftView() {
  return (
    <div className="drift-view" data-testid="drift-view">
      <ComparePanel />
      <MonitorPanel />
    </div>
  );
}
