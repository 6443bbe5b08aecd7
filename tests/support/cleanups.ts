import { afterEach } from 'vitest';
import type { FerryProcess } from './ferry-process.ts';

/**
 * Cleanups a test file registers as it goes, run after each test in reverse order (last started, first
 * stopped). Returns the function that registers one.
 */
export function cleanupAfterEach(): (cleanup: () => unknown) => void {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}

/** Registers a started process to be killed after the test; returns it. */
export function killedAfter(defer: (cleanup: () => unknown) => void, process: FerryProcess): FerryProcess {
  defer(() => process.child.kill('SIGKILL'));
  return process;
}
