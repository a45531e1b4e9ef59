export { ClassPicker } from './ClassPicker.tsx';
export { TriagePlots } from './TriagePlots.tsx';
