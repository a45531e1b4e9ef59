import type { StateCreator } from 'zustand';
import type { CertifyResult, InfluenceRanking, SelfInfluenceResult, TrainedModel, WhatIfResult } from '../../../../shared/domain/influence.ts';
import type { State } from '../../store/store.ts';

/** One DPA run, named for what was left out ("all training rows", "without Set 1"). */
export interface CertifyRun {
  label: string;
  result: CertifyResult;
}

/** One "what if removed" refit, named for the rows removed. */
export interface WhatIfRun {
  label: string;
  result: WhatIfResult;
}

export interface InfluenceData {
  /** The model the influence views explain (kept on the host under its modelId). */
  influenceModel: TrainedModel | null;
  influenceRanking: InfluenceRanking | null;
  selfInfluence: SelfInfluenceResult | null;
  /** Newest first. */
  whatIfRuns: WhatIfRun[];
  certifyRuns: CertifyRun[];
  /** Test rows picked in the test-point picker (rows of the model's test dataset). */
  influenceTestRows: number[];
  /** Training rows ticked in the ranking table (dataset row indices). */
  influencePicked: number[];
}

export interface InfluenceSlice extends InfluenceData {
  /** A new model: every result about the previous one goes. */
  setInfluenceModel(model: TrainedModel): void;
  setInfluenceRanking(ranking: InfluenceRanking): void;
  setSelfInfluence(result: SelfInfluenceResult): void;
  addWhatIfRun(run: WhatIfRun): void;
  addCertifyRun(run: CertifyRun): void;
  setInfluenceTestRows(rows: number[]): void;
  setInfluencePicked(rows: number[]): void;
}

export const influenceInitial: InfluenceData = {
  influenceModel: null,
  influenceRanking: null,
  selfInfluence: null,
  whatIfRuns: [],
  certifyRuns: [],
  influenceTestRows: [],
  influencePicked: [],
};

export const createInfluenceSlice: StateCreator<State, [], [], InfluenceSlice> = (set) => ({
  ...influenceInitial,
  setInfluenceModel: (influenceModel) => set({ ...influenceInitial, influenceModel }),
  setInfluenceRanking: (influenceRanking) => set({ influenceRanking, influencePicked: [] }),
  setSelfInfluence: (selfInfluence) => set({ selfInfluence }),
  addWhatIfRun: (run) => set((s) => ({ whatIfRuns: [run, ...s.whatIfRuns] })),
  addCertifyRun: (run) => set((s) => ({ certifyRuns: [...s.certifyRuns, run] })),
  setInfluenceTestRows: (influenceTestRows) => set({ influenceTestRows }),
  setInfluencePicked: (influencePicked) => set({ influencePicked }),
});
