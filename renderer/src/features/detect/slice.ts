import type { StateCreator } from 'zustand';
import { SPECTRAL_DEFAULTS, type SpectralParams, type SpectralResult } from '../../../../shared/domain/detectors.ts';
import type { State } from '../../store/store.ts';

export interface DetectData {
  spectralParams: SpectralParams;
  /** The latest spectral result for the open dataset. */
  spectral: SpectralResult | null;
}

export interface DetectSlice extends DetectData {
  setSpectralParams(params: Partial<SpectralParams>): void;
  setSpectral(result: SpectralResult | null): void;
}

export const detectInitial: DetectData = { spectralParams: { ...SPECTRAL_DEFAULTS }, spectral: null };

export const createDetectSlice: StateCreator<State, [], [], DetectSlice> = (set) => ({
  ...detectInitial,
  setSpectralParams: (params) => set((s) => ({ spectralParams: { ...s.spectralParams, ...params } })),
  setSpectral: (spectral) => set({ spectral }),
});
