// A measured worker's CPU profile (`npm run bench -- --profile`), cut to the measured window: printed, and
// kept in the results for bench/README.md's profile notes.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../test/helpers/processes.js';
import { round } from './bench-infra.js';
import { profileFolderName, type Child } from './bench-processes.js';
import { printSummary, readProfile, summarize } from './profile-summary.js';
import type { MonotonicWindow } from './scenarios/worker-throughput.js';

/** A measured worker's main-thread profile, cut to the measured run, printed and kept in the results. */
export function summarizeWorkerProfile(
  profileDir: string,
  worker: Child,
  window: MonotonicWindow,
  log: (message: string) => void,
): unknown {
  const dir = path.join(profileDir, profileFolderName(worker.name));
  // Node names profiles CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread.
  const main = readdirSync(dir).find((file) => file.includes(`.${worker.pid}.0.`));
  if (!main) {
    log(`no main-thread profile of pid ${worker.pid} in ${dir}`);
    return undefined;
  }
  const file = path.join(dir, main);
  const summary = summarize(readProfile(file), 15, window);
  console.log(`\nCPU profile of ${worker.name} during the measured run (${path.relative(ROOT, file)}):`);
  printSummary(summary);
  console.log('');
  const busyMs = round(summary.totalMs - summary.idleMs, 1);
  return {
    file: path.relative(ROOT, file),
    // Monotonic µs: `node --import tsx bench/profile-summary.ts FILE --from-us A --to-us B` shows more.
    windowUs: [window.fromUs, window.toUs],
    windowMs: round((window.toUs - window.fromUs) / 1000, 1),
    busyMs,
    areas: summary.areas.filter((row) => row.area !== '(idle)').slice(0, 12),
    self: summary.selfTop.filter((row) => row.fn !== '(idle)').slice(0, 15),
    inclusive: summary.inclusiveTop.slice(0, 15),
  };
}
