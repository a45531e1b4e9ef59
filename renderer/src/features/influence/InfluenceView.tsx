import { useStore } from '../../store/index.ts';
import { InfluenceScatter, SelfInfluencePanel } from './InfluencePlots.tsx';
import { ModelPanel } from './ModelPanel.tsx';
import { RankingTable } from './RankingTable.tsx';
import { CertifyPanel, WhatIfPanel } from './Robustness.tsx';
import { TestPicker } from './TestPicker.tsx';
import './influence.css';

/** The Influence tab: train a model, pick test points, rank the training rows, check the ranking against refits and DPA. */
export function InfluenceView() {
  const dataset = useStore((s) => s.dataset);
  const model = useStore((s) => (s.influenceModel && s.influenceModel.datasetId === s.dataset?.id ? s.influenceModel : null));
  const ranking = useStore((s) => (s.influenceRanking && s.influenceRanking.modelId === model?.modelId ? s.influenceRanking : null));
  if (!dataset) return null;
  return (
    <div className="influence-view" data-testid="influence-view">
      <ModelPanel />
      {model && (
        <>
          <TestPicker model={model} />
          {ranking && (
            <>
              <RankingTable model={model} ranking={ranking} />
              <InfluenceScatter model={model} ranking={ranking} />
            </>
          )}
          <SelfInfluencePanel model={model} />
          <WhatIfPanel model={model} />
          <CertifyPanel model={model} />
        </>
      )}
    </div>
  );
}
