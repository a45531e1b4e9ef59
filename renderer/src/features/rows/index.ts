export { RowInspector } from './RowInspector.tsx';
