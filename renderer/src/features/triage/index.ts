export { Triage } from './Triage.tsx';
