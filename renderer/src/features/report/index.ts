export { ReportPanel } from './ReportPanel.tsx';
