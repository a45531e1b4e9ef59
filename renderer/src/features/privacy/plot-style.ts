/** The colours of the privacy plots; the layout (fonts, grid) is the other panels', ui/plot-style.ts. */
import { PLOT_GRID } from '../../ui/plot-style.ts';

export const COLORS = {
  attack: '#c92a2a',
  chance: '#868e96',
  member: '#e8590c',
  nonMember: '#4c78a8',
  grid: PLOT_GRID,
};
