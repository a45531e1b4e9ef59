import { useStore, selectScan } from '../../store/index.ts';
import { ProjectionPlot } from './ProjectionPlot.tsx';
import { ScoreHistogram } from './ScoreHistogram.tsx';
import { SelectionList } from './SelectionList.tsx';
import { Spectrum } from './Spectrum.tsx';
import { TriageHeader } from './TriageHeader.tsx';

/** Per-class triage of the selected class under the selected detector. */
export function Triage() {
  const hasScan = useStore((s) => selectScan(s) !== null);
  if (!hasScan) {
    return (
      <section className="panel empty" data-testid="triage-empty">
        <h2>Per-class triage</h2>
        <p className="muted">Run the detectors to see, per class, who stands out, how sure that is, and where detectors agree.</p>
      </section>
    );
  }
  return (
    <>
      <TriageHeader />
      <div className="triage">
        <ScoreHistogram />
        <Spectrum />
        <ProjectionPlot />
        <SelectionList />
      </div>
    </>
  );
}
