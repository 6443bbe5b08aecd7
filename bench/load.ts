/**
 * `--load N`: a defined background load, so "on a loaded machine" is reproducible rather than whatever
 * else happens to run. N child processes (nice 0, like the bench) each spin one core for the run's
 * duration. They stop when `stop()` is called, and each also exits by itself once its parent is gone
 * (it checks its parent pid between spins), so a killed bench leaves nothing spinning.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** A busy loop that looks up from the spin every ~50 ms to see whether the bench still exists. */
const SPIN = `
const parent = Number(process.argv[1]);
for (;;) {
  const until = Date.now() + 50;
  while (Date.now() < until);
  if (process.ppid !== parent) process.exit(0);
}`;

export interface Load {
  readonly processes: number;
  stop(): void;
}

export function startLoad(processes: number): Load {
  const children: ChildProcess[] = [];
  for (let i = 0; i < processes; i++) {
    children.push(spawn(process.execPath, ['-e', SPIN, String(process.pid)], { stdio: 'ignore' }));
  }
  const stop = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', stop);
  return { processes, stop };
}
