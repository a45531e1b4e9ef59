export { DatasetSummary } from './DatasetSummary.tsx';
