import { useStore } from '../../store/index.ts';
import { AnonymityPanel } from './AnonymityPanel.tsx';
import { BiasPanel } from './BiasPanel.tsx';
import { LeakagePanel } from './LeakagePanel.tsx';
import { MembershipPanel } from './MembershipPanel.tsx';
import { PiiPanel } from './PiiPanel.tsx';
import './privacy.css';

/** The "Privacy & bias" tab: PII in text, re-identification risk, leakage, membership inference and bias. */
export function PrivacyView() {
  const dataset = useStore((s) => s.dataset);
  if (!dataset) return null;
  return (
    <div className="privacy-view" data-testid="privacy-view">
      <PiiPanel dataset={dataset} />
      <AnonymityPanel dataset={dataset} />
      <LeakagePanel dataset={dataset} />
      <MembershipPanel dataset={dataset} />
      <BiasPanel dataset={dataset} />
    </div>
  );
}
