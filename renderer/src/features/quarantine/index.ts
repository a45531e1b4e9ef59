export { QuarantinePanel } from './QuarantinePanel.tsx';
export { quarantineRows } from './actions.ts';
export type { QuarantineReason, QuarantineSet } from './slice.ts';
