export { useStore, resetStore, initialState, type State } from './store.ts';
export { listenToJobs, startJob, cancelJob, jobTitle, mostSeparatedClass } from './job-runner.ts';
