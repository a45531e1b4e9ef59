export { QuarantinePanel } from './QuarantinePanel.tsx';
