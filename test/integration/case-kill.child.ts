/**
 * Child process for case-kill.test.ts: creates a case, then saves a large section over and over, printing
 * "saving N" before save N starts and "saved N" when it is complete, until it is killed.
 */
import { CaseService } from '../../electron/host/cases.ts';
import { DatasetStore } from '../../electron/host/datasets.ts';
import { JobService } from '../../electron/host/jobs.ts';
import { WorkerPool } from '../../electron/host/pool.ts';

const [folder, configDir, sizeArg] = process.argv.slice(2);
const service = new CaseService({ pool: new WorkerPool({ threads: 1 }), datasets: new DatasetStore(), jobs: new JobService(() => {}), configDir, appVersion: 'test' });
await service.create({ folder, name: 'kill test', analyst: 'k' });
const filler = 'x'.repeat(Number(sizeArg));
for (let i = 1; ; i++) {
  process.stdout.write(`saving ${i}\n`);
  await service.update({ section: 'notes', value: `${i}\n${filler}` });
  process.stdout.write(`saved ${i}\n`);
}
