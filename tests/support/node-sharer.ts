import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), 'node-sharer-main.ts');

/** A Node sharer in its own process (see node-sharer-main.ts), with its stdout lines as they come. */
export interface NodeSharerProcess {
  child: ChildProcessWithoutNullStreams;
  /** The share link it printed (of the session it hosts, or joined). */
  link: Promise<string>;
  lines: string[];
  /** Its stderr lines so far (for a failing test's log). */
  stderr: string[];
  /** Swaps the shared device for a new simulated corpus device `name`; resolves once it is announced. */
  swap(name: string): Promise<void>;
}

export interface NodeSharerOptions {
  /** A corpus device name (default the DualShock 3). */
  device?: string;
  /** Present the device under these ids ("1209:0001"), e.g. to keep special kernel drivers off it. */
  ids?: string;
  /** Join this session, proving this secret, instead of hosting one: a sharer coming back. */
  join?: { sessionId: string; secret: string };
  /** Play the recorded reports with a button down, one every this many ms, in a loop. */
  holdMs?: number;
  /** Hold a button and move by the send time (tests/support/stamped-motion.ts), a report every this many ms. */
  stampMs?: number;
  /** Send this many reports stamped a second ago first, once a receiver is approved. */
  backlog?: number;
  /** Run it inside this network namespace (`ip netns exec`), e.g. behind bench/impair's wire. */
  netns?: string;
}

export function startNodeSharer(serverUrl: string, options: NodeSharerOptions = {}): NodeSharerProcess {
  const args = [serverUrl];
  if (options.device) args.push('--device', options.device);
  if (options.ids) args.push('--ids', options.ids);
  // With '=': a base64url id or secret may begin with '-', which parseArgs would take for an option.
  if (options.join) args.push(`--session=${options.join.sessionId}`, `--secret=${options.join.secret}`);
  if (options.holdMs !== undefined) args.push('--hold', String(options.holdMs));
  if (options.stampMs !== undefined) args.push('--stamp', String(options.stampMs));
  if (options.backlog !== undefined) args.push('--backlog', String(options.backlog));
  const node = [process.execPath, '--import', 'tsx', MAIN, ...args];
  const child =
    options.netns === undefined
      ? spawn(node[0]!, node.slice(1), { stdio: 'pipe' })
      : spawn('ip', ['netns', 'exec', options.netns, ...node], { stdio: 'pipe' });
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
  // A sharer killed before it printed its link rejects `link`: that is news only to a test awaiting it.
  link.catch(() => undefined);
  const swap = async (name: string) => {
    const before = lines.filter((line) => line.startsWith('swapped ')).length;
    child.stdin.write(`swap ${name}\n`);
    await new Promise<void>((done, fail) => {
      const check = setInterval(() => {
        if (lines.filter((line) => line.startsWith('swapped ')).length > before) done();
        else if (child.exitCode !== null) fail(new Error(`the sharer exited:\n${stderr.join('\n')}`));
        else return;
        clearInterval(check);
      }, 20);
    });
  };
  return { child, link, lines, stderr, swap };
}

/** The session id and secret of a share link `…/s/<id>#<secret>`. */
export function sessionOf(link: string): { sessionId: string; secret: string } {
  const url = new URL(link);
  return { sessionId: url.pathname.split('/').pop() ?? '', secret: url.hash.slice(1) };
}
