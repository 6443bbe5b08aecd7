/** The machine line of results.json and docs/performance.md: cores, CPU model, RAM, Node, Chromium. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { CHROMIUM_PATH } from '../tests/support/browser.ts';

export function describeMachine(): string {
  const model =
    /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown CPU';
  let chromium = 'unknown';
  try {
    chromium =
      /Chromium [\d.]+/.exec(execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }))?.[0] ??
      chromium;
  } catch {
    // --version failing leaves the version unknown; the bench itself still runs.
  }
  const ramGb = (totalmem() / 2 ** 30).toFixed(1);
  return `${availableParallelism()} × ${model}, ${ramGb} GiB RAM, Node ${process.version}, ${chromium}`;
}
