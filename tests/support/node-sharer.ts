import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), 'node-sharer-main.ts');

/** A Node sharer in its own process (see node-sharer-main.ts), with its stdout lines as they come. */
export interface NodeSharerProcess {
  child: ChildProcessWithoutNullStreams;
  /** The share link it printed. */
  link: Promise<string>;
  lines: string[];
}

export function startNodeSharer(serverUrl: string): NodeSharerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, serverUrl], { stdio: 'pipe' });
  const lines: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const link = new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line.includes('/s/')) done(line);
    });
    child.on('exit', (code) => fail(new Error(`the sharer exited (${code}):\n${stderr.join('\n')}`)));
  });
  return { child, link, lines };
}
