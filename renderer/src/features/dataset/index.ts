export { DatasetSummary } from './DatasetSummary.tsx';
export { DatasetOverview } from './DatasetOverview.tsx';
