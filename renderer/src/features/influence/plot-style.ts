/** Plot styling of the influence views (the same palette as the triage plots). */
export const COLORS = {
  helpful: '#2b8a3e',
  harmful: '#c92a2a',
  neutral: '#4c78a8',
  marked: '#e8590c',
  grid: '#e5e7eb',
  text: '#1f2937',
};

export const baseLayout = {
  font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 13, color: COLORS.text },
  paper_bgcolor: 'rgba(0,0,0,0)',
  plot_bgcolor: '#ffffff',
  autosize: true,
  showlegend: false,
};
