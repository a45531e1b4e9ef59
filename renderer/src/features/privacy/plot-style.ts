/** Plot styling of the privacy views (the same fonts and grid as the other panels). */
export const COLORS = {
  attack: '#c92a2a',
  chance: '#868e96',
  member: '#e8590c',
  nonMember: '#4c78a8',
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
