/** The result of a job this panel started, once it is final (null when it failed or was cancelled: the job bar says why). */
import type { JobResult } from '../../../../shared/contract/api.ts';
import { isFinal, type JobInfo } from '../../../../shared/domain/jobs.ts';
import { getClient } from '../../api/index.ts';

export function awaitJob(job: JobInfo): Promise<{ info: JobInfo; result: JobResult | null }> {
  const client = getClient();
  return new Promise((resolve) => {
    let done = false;
    const finish = async (info: JobInfo) => {
      if (done) return;
      done = true;
      off();
      resolve({ info, result: info.status === 'done' ? await client.getJobResult({ jobId: info.id }) : null });
    };
    const off = client.on('jobUpdate', (info) => {
      if (info.id === job.id && isFinal(info.status)) void finish(info);
    });
    // The job may have ended before the subscription: ask once.
    void client.listJobs().then((jobs) => {
      const now = jobs.find((j) => j.id === job.id);
      if (now && isFinal(now.status)) void finish(now);
    });
  });
}
