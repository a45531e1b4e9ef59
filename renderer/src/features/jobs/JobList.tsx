import { useShallow } from 'zustand/react/shallow';
import { jobTitle, useStore } from '../../store/index.ts';
import { formatDuration } from './JobBar.tsx';

/** Jobs of this session, newest first. */
export function JobList() {
  const jobs = useStore(useShallow((s) => s.jobOrder.slice(0, 12).map((id) => s.jobs[id])));
  if (jobs.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="jobs-title">
      <h2 id="jobs-title">Jobs</h2>
      <ul className="joblist" data-testid="job-list">
        {jobs.map((job) => (
          <li key={job.id} title={job.error ?? job.progress.message}>
            <span className={`badge ${job.status}`}>{job.status}</span>
            <span className="joblist-title">{jobTitle(job)}</span>
            <span className="muted">
              {job.status === 'running'
                ? `${Math.round(job.progress.fraction * 100)}%`
                : job.startedAt && job.finishedAt
                  ? formatDuration(Date.parse(job.finishedAt) - Date.parse(job.startedAt))
                  : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
