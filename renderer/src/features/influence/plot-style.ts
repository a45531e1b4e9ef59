/** The colours of the influence plots (the same palette as the triage plots); the layout is ui/plot-style.ts. */
import { PLOT_GRID } from '../../ui/plot-style.ts';

export const COLORS = {
  helpful: '#2b8a3e',
  harmful: '#c92a2a',
  neutral: '#4c78a8',
  marked: '#e8590c',
  grid: PLOT_GRID,
};
