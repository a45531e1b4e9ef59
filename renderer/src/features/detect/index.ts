export { DetectorPanel } from './DetectorPanel.tsx';
