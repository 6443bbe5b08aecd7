import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/bin.js');

type LineMatch = (line: string) => boolean;

/** A running `ferry` command, with its stdout and stderr lines collected as they come. */
export interface FerryProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: string[];
  stderr: string[];
  /** Resolves with the first stdout line that matches. */
  waitForLine(match: LineMatch, timeoutMs?: number): Promise<string>;
  /** Resolves with the first stderr line that matches. */
  waitForErrLine(match: LineMatch, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** `ferry receive <args>` as a real process. */
export function startFerryReceive(args: string[]): FerryProcess {
  return startFerry(['receive', ...args]);
}

/** `ferry <args>` as a real process (the `bin` of package.json, run by this Node). */
export function startFerry(args: string[], env?: NodeJS.ProcessEnv): FerryProcess {
  return startCommand(process.execPath, [BIN, ...args], { env });
}

/** Any command as a real process, its lines collected the same way (e.g. an installed `ferry`, Caddy). */
export function startCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): FerryProcess {
  const child = spawn(command, args, {
    stdio: 'pipe',
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  const collect = (lines: string[]) => (line: string) => {
    lines.push(line);
    for (const wake of waiters) wake();
  };
  createInterface({ input: child.stdout }).on('line', collect(stdout));
  createInterface({ input: child.stderr }).on('line', collect(stderr));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));

  const waitIn =
    (lines: string[], name: string) =>
    (match: LineMatch, timeoutMs = 20_000) =>
      new Promise<string>((done, fail) => {
        const check = () => {
          const found = lines.find(match);
          if (found === undefined) return;
          cleanup();
          done(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          fail(new Error(`no matching ${name} line in ${timeoutMs} ms; stderr:\n${stderr.join('\n')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });

  return {
    child,
    stdout,
    stderr,
    waitForLine: waitIn(stdout, 'stdout'),
    waitForErrLine: waitIn(stderr, 'stderr'),
    exited,
  };
}
