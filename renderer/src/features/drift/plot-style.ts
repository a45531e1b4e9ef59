/** Colours and the base plot layout of the drift tab: baseline grey-blue, current orange, alarms red. */
export const DRIFT_COLORS = {
  baseline: '#4c78a8',
  current: '#f58518',
  alarm: '#c92a2a',
  limit: '#868e96',
  centre: '#212529',
  grid: '#e9ecef',
};

export const baseLayout = {
  font: { family: 'system-ui, sans-serif', size: 12 },
  paper_bgcolor: 'rgba(0,0,0,0)',
  plot_bgcolor: 'rgba(0,0,0,0)',
  showlegend: true,
  legend: { orientation: 'h', y: 1.12 },
  margin: { l: 56, r: 12, t: 28, b: 40 },
};
