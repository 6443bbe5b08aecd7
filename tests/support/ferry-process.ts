import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/receiver/bin.js');

/** A running `ferry receive`, with its stdout lines collected as they come. */
export interface FerryProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: string[];
  stderr: string[];
  /** Resolves with the first stdout line (at or after `from`) that matches. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** `netns`: run it inside that network namespace (tests/support/netns.ts), as `ip netns exec` does. */
export function startFerryReceive(args: string[], options: { netns?: string } = {}): FerryProcess {
  const command = [process.execPath, BIN, 'receive', ...args];
  const [file, ...rest] =
    options.netns === undefined ? command : ['ip', 'netns', 'exec', options.netns, ...command];
  const child = spawn(file as string, rest, { stdio: 'pipe' });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdout.push(line);
    for (const wake of waiters) wake();
  });
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));

  const waitForLine = (match: (line: string) => boolean, timeoutMs = 20_000) =>
    new Promise<string>((done, fail) => {
      const check = () => {
        const found = stdout.find(match);
        if (found === undefined) return;
        cleanup();
        done(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        fail(new Error(`no matching stdout line in ${timeoutMs} ms; stderr:\n${stderr.join('\n')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return { child, stdout, stderr, waitForLine, exited };
}
