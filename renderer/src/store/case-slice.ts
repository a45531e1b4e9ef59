/**
 * The open case as the host last described it, and the recent-cases list. Plain data: every change goes
 * through the host (renderer/src/features/case/actions.ts), which saves and audits it, and comes back here.
 */
import type { StateCreator } from 'zustand';
import type { CaseView, RecentCase } from '../../../shared/domain/case.ts';
import type { State } from './store.ts';

export interface CaseData {
  /** The open case, or null. */
  caseView: CaseView | null;
  recentCases: RecentCase[];
}

export interface CaseSlice extends CaseData {
  setCaseView(view: CaseView | null): void;
  setRecentCases(list: RecentCase[]): void;
}

export const caseInitial: CaseData = { caseView: null, recentCases: [] };

export const createCaseSlice: StateCreator<State, [], [], CaseSlice> = (set) => ({
  ...caseInitial,
  setCaseView: (caseView) => set({ caseView }),
  setRecentCases: (recentCases) => set({ recentCases }),
});
