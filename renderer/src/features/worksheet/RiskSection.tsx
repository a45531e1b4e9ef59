/** The worksheet's scores, each with its working, and the plots. */
import { useMemo } from 'react';
import type { Worksheet } from '../../../../shared/domain/worksheet.ts';
import { integrityConfidence, scorePortfolio } from '../../../../shared/engine/risk.ts';
import { Score } from './inputs.tsx';
import { RiskHeatMap, RiskWaterfall, ThreatBars } from './plots.tsx';

export function RiskSection({ worksheet, onPickThreat }: { worksheet: Worksheet; onPickThreat: (threatId: string) => void }) {
  const scores = useMemo(() => scorePortfolio(worksheet), [worksheet]);
  const integrity = useMemo(() => integrityConfidence(worksheet.context.sources), [worksheet.context.sources]);
  return (
    <div className="ws-risk" data-testid="ws-risk">
      <div className="ws-scores">
        <Score label="Inherent risk Σ w·P·I" value={scores.inherent} testId="ws-inherent" />
        <Score label="Residual (composite) risk R" value={scores.residual} testId="ws-residual" tone={scores.aboveTolerance.length ? 'bad' : 'ok'} />
        <Score label="Reduction by controls" value={{ value: scores.reduction.value * 100, how: scores.reduction.how }} testId="ws-reduction" digits={1} suffix="%" />
        <Score label="Data-integrity confidence" value={integrity} testId="ws-integrity" />
        <Score label={`Above tolerance ${worksheet.tolerance}, no decision`} value={scores.undecided} testId="ws-undecided" tone={scores.undecided.value > 0 ? 'bad' : undefined} />
      </div>
      {worksheet.threats.length === 0 ? (
        <p className="hint">Add threats (or start from a template) to see them on the heat map.</p>
      ) : null}
      <div className="ws-plots">
        <RiskHeatMap worksheet={worksheet} scores={scores} onPickThreat={onPickThreat} />
        <RiskWaterfall worksheet={worksheet} />
        <ThreatBars worksheet={worksheet} scores={scores} />
      </div>
    </div>
  );
}
