/**
 * Two network namespaces joined by the userspace impairment wire (wire.py): the sharer's and the
 * receiver's, each with one TAP device and one address from 198.18.0.0/15 (RFC 2544's benchmarking
 * range; it exists only inside these namespaces, so no packet leaves the machine). Created by the bench
 * and removed by it — on close, on exit, on Ctrl-C/SIGTERM; namespaces a crashed run left behind (their
 * creator's pid is gone) are removed by the next run. The TAP devices belong to the wire process: they
 * vanish with it, and it exits when its stdin (our pipe) closes.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { removeOrphanNamespaces } from '../../tests/support/netns-owner.ts';

export const SHARER_ADDRESS = '198.18.0.1';
export const RECEIVER_ADDRESS = '198.18.0.2';
const PREFIX = 'ferry-imp-';
const WIRE = new URL('./wire.py', import.meta.url).pathname;
/** Debian's python3 starts in 20 ms; a version manager's shim can take a second. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export interface WireDirectionStats {
  frames: number;
  delivered: number;
  lost: number;
  outage: number;
  overflow: number;
  bytes: number;
}
export interface WireStats {
  'a-b': WireDirectionStats;
  'b-a': WireDirectionStats;
}

export interface ImpairedNet {
  /** Namespace names for ChildHandle.start(…, { netns }). */
  readonly sharerNs: string;
  readonly receiverNs: string;
  /** Fixed one-way delay (both directions) and Bernoulli loss of IP frames. */
  set(delayMs: number, loss: number, seed?: number): Promise<void>;
  /** Drops every frame both ways for `ms`, starting now. */
  outage(ms: number): Promise<void>;
  /** `a-b` is sharer → receiver. */
  stats(): Promise<WireStats>;
  close(): Promise<void>;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Removes namespaces of earlier runs whose process no longer exists. */
export function removeStaleNamespaces(): void {
  removeOrphanNamespaces(new RegExp(`^${PREFIX}(\\d+)-\\d+-[sr]$`));
}

/** Line-oriented JSON requests to the wire, answered in order. */
class WireControl {
  private readonly waiting: Array<(reply: Record<string, unknown>) => void> = [];
  readonly ready: Promise<void>;

  constructor(readonly process: ChildProcessWithoutNullStreams) {
    const lines = createInterface({ input: process.stdout });
    let markReady: () => void = () => undefined;
    this.ready = new Promise((done, fail) => {
      markReady = done;
      process.once('exit', (code) =>
        fail(new Error(`the impairment wire exited (${code}) before it was ready`)),
      );
      setTimeout(() => fail(new Error('the impairment wire was not ready within 10 s')), 10_000).unref();
    });
    lines.on('line', (line) => {
      const reply = JSON.parse(line) as Record<string, unknown>;
      if (reply.ready) markReady();
      else this.waiting.shift()?.(reply);
    });
    process.stderr.on('data', (data: Buffer) => console.error(`wire: ${data.toString().trimEnd()}`));
  }

  request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`wire: no answer to ${body.op}`)), 5000);
      this.waiting.push((reply) => {
        clearTimeout(timer);
        if (reply.ok) resolve(reply);
        else reject(new Error(`wire: ${String(reply.error)}`));
      });
      this.process.stdin.write(`${JSON.stringify(body)}\n`);
    });
  }
}

/** Nets this process made so far: names are `<pid>-<n>`, so one process can hold several. */
let made = 0;

export async function createImpairedNet(): Promise<ImpairedNet> {
  removeStaleNamespaces();
  const id = `${process.pid}-${made++}`;
  const names = { s: `${PREFIX}${id}-s`, r: `${PREFIX}${id}-r` };
  const taps = { s: `fi${id}s`, r: `fi${id}r` };
  let wire: WireControl | undefined;
  let closed = false;
  const cleanup = () => {
    if (closed) return;
    closed = true;
    wire?.process.kill('SIGTERM');
    for (const name of Object.values(names)) {
      try {
        ip('netns', 'del', name);
      } catch {
        // never created, or already gone
      }
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', cleanup);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const name of Object.values(names)) {
      ip('netns', 'add', name);
      // One address per end: no IPv6 link-local candidates for ICE to try besides it.
      for (const scope of ['all', 'default']) {
        execFileSync('ip', ['netns', 'exec', name, 'sysctl', '-qw', `net.ipv6.conf.${scope}.disable_ipv6=1`]);
      }
    }
    wire = new WireControl(spawn(PYTHON, [WIRE, taps.s, taps.r], { stdio: ['pipe', 'pipe', 'pipe'] }));
    await wire.ready;
    configure(names.s, taps.s, SHARER_ADDRESS);
    configure(names.r, taps.r, RECEIVER_ADDRESS);
  } catch (error) {
    cleanup();
    throw error;
  }
  const control = wire;
  return {
    sharerNs: names.s,
    receiverNs: names.r,
    set: async (delayMs, loss, seed) => {
      await control.request({ op: 'set', delay_ms: delayMs, loss, ...(seed === undefined ? {} : { seed }) });
    },
    outage: async (ms) => {
      await control.request({ op: 'outage', ms });
    },
    stats: async () => (await control.request({ op: 'stats' })) as unknown as WireStats,
    close: async () => {
      const exited = new Promise<void>((done) => {
        if (control.process.exitCode !== null) done();
        else control.process.once('exit', () => done());
      });
      control.process.stdin.end();
      await Promise.race([exited, new Promise((done) => setTimeout(done, 2000))]);
      cleanup();
      process.off('exit', cleanup);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Moves the wire's device into `ns`, addresses it (a /30 with the other end), and brings lo and it up. */
function configure(ns: string, tap: string, address: string): void {
  ip('link', 'set', tap, 'netns', ns);
  ip('-n', ns, 'addr', 'add', `${address}/30`, 'dev', tap);
  ip('-n', ns, 'link', 'set', tap, 'up');
  ip('-n', ns, 'link', 'set', 'lo', 'up');
}
