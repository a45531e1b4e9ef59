export { RowBrowser } from './RowBrowser.tsx';
