import { cancelJob, jobTitle, useStore } from '../../store/index.ts';
import { isFinal } from '../../../../shared/domain/jobs.ts';

/** The progress bar of the job most recently started here, with Cancel; after it ends, its final status. */
export function JobBar() {
  const job = useStore((s) => (s.focusJobId ? s.jobs[s.focusJobId] : undefined));
  const bannerMessage = useStore((s) => s.error?.message ?? null);
  if (!job) return null;
  const running = !isFinal(job.status);
  const pct = Math.round(Math.max(0, Math.min(1, job.progress.fraction)) * 100);
  return (
    <div className={`jobbar status-${job.status}`} aria-live="polite">
      <span className="jobbar-title">{jobTitle(job)}</span>
      {running ? (
        <>
          <div
            className="progress"
            role="progressbar"
            aria-label={`${jobTitle(job)} progress`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            data-testid="job-progress"
          >
            <div className="progress-fill" style={{ width: `${pct}%` }} />
          </div>
          <span className="jobbar-pct">{pct}%</span>
          <span className="jobbar-text" title={job.progress.message}>
            {job.progress.stage && <b>{job.progress.stage}</b>} {job.progress.message}
          </span>
          <span className="sr-only" data-testid="job-status">
            {job.status}
          </span>
          <button type="button" className="btn small danger" data-testid="cancel-job" onClick={() => void cancelJob(job.id)}>
            Cancel
          </button>
        </>
      ) : (
        <span className="jobbar-text">
          <span className={`badge ${job.status}`} data-testid="job-status">
            {job.status}
          </span>
          {job.status === 'failed' && job.error && job.error !== bannerMessage && <span className="error-text"> {job.error}</span>}
          {job.status === 'done' && job.startedAt && job.finishedAt && (
            <span className="muted"> in {formatDuration(Date.parse(job.finishedAt) - Date.parse(job.startedAt))}</span>
          )}
        </span>
      )}
    </div>
  );
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
