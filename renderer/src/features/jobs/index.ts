export { JobBar } from './JobBar.tsx';
export { JobList } from './JobList.tsx';
