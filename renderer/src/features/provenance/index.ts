export { ProvenancePanel } from './ProvenancePanel.tsx';
