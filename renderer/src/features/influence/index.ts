export { InfluenceView } from './InfluenceView.tsx';
