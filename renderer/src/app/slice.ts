import type { StateCreator } from 'zustand';
import type { AppInfo } from '../../../shared/contract/api.ts';
import type { State } from '../store/store.ts';

export interface AppNotice {
  /** What the analyst was doing, e.g. "Open dataset". */
  context: string;
  message: string;
}

/** The dataset workspace's tabs: what is in the data, its rows one by one, and the detectors' triage. */
export type WorkspaceTab = 'overview' | 'rows' | 'triage' | 'influence' | 'drift' | 'privacy';

export interface AppData {
  appInfo: AppInfo | null;
  /** Which screen is up: the start screen, the workspace of the open dataset, or the open case. */
  view: 'start' | 'workspace' | 'case' | 'threat-model';
  /** Which part of the workspace the main column shows. */
  workspaceTab: WorkspaceTab;
  /** The last error from the host, shown until dismissed or replaced. */
  error: AppNotice | null;
}

export interface AppSlice extends AppData {
  setAppInfo(info: AppInfo): void;
  setView(view: AppData['view']): void;
  setWorkspaceTab(tab: WorkspaceTab): void;
  showError(context: string, err: unknown): void;
  clearError(): void;
}

export const appInitial: AppData = { appInfo: null, view: 'start', workspaceTab: 'overview', error: null };

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export const createAppSlice: StateCreator<State, [], [], AppSlice> = (set) => ({
  ...appInitial,
  setAppInfo: (appInfo) => set({ appInfo }),
  setView: (view) => set({ view }),
  setWorkspaceTab: (workspaceTab) => set({ workspaceTab }),
  showError: (context, err) => set({ error: { context, message: errorMessage(err) } }),
  clearError: () => set({ error: null }),
});
