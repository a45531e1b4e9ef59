/** The look the analysis panels' plots share (influence, privacy): system font, clear paper, white plot, light grid. */
const PLOT_TEXT = '#1f2937';
export const PLOT_GRID = '#e5e7eb';

export const baseLayout = {
  font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 13, color: PLOT_TEXT },
  paper_bgcolor: 'rgba(0,0,0,0)',
  plot_bgcolor: '#ffffff',
  autosize: true,
  showlegend: false,
};
