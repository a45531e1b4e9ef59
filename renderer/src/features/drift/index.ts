export { DriftView } from './DriftView.tsx';
