export { ThreatModelView } from './ThreatModelView.tsx';
