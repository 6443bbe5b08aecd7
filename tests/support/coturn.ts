/**
 * A real coturn (Debian's `coturn`, /usr/bin/turnserver) for a test: started with a temporary config in
 * the TURN REST mode Ferry's server mints credentials for (use-auth-secret), plain UDP/TCP only (no TLS,
 * no DTLS, no CLI), its relay ports in a small range, its log on stdout (kept for failure messages).
 * Optionally inside a network namespace (tests/support/netns.ts). Stopped, and its files removed, by close().
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const TURNSERVER_PATH = '/usr/bin/turnserver';

export interface CoturnOptions {
  /** The address it listens and relays on (loopback, or a namespace's address). */
  address: string;
  port: number;
  secret: string;
  /** Relay ports: a small range of its own, so parallel tests do not collide. */
  minPort: number;
  maxPort: number;
  /** Run inside this network namespace (`ip netns exec`). */
  netns?: string;
  /** coturn refuses loopback peers by default; a test whose peers are on 127.0.0.1 needs them. */
  allowLoopbackPeers?: boolean;
}

export interface Coturn {
  /** `turn:address:port?transport=udp` */
  readonly url: string;
  /** Everything it logged so far. */
  readonly log: string[];
  close(): Promise<void>;
}

export const TURN_REALM = 'ferry.test';

function configText(options: CoturnOptions, dir: string): string {
  return [
    `listening-ip=${options.address}`,
    `relay-ip=${options.address}`,
    `listening-port=${options.port}`,
    `min-port=${options.minPort}`,
    `max-port=${options.maxPort}`,
    'use-auth-secret',
    `static-auth-secret=${options.secret}`,
    `realm=${TURN_REALM}`,
    'fingerprint',
    'no-cli',
    'no-tls',
    'no-dtls',
    'no-software-attribute',
    ...(options.allowLoopbackPeers ? ['allow-loopback-peers'] : []), // refused by default
    'no-multicast-peers',
    'log-file=stdout',
    'simple-log',
    'verbose',
    `pidfile=${join(dir, 'turnserver.pid')}`,
    `userdb=${join(dir, 'turndb')}`,
    '',
  ].join('\n');
}

/** A STUN Binding request until one is answered: coturn is then serving. Runs where coturn's address is. */
const PROBE = `
const socket = require('node:dgram').createSocket('udp4');
const [host, port] = [process.argv[1], Number(process.argv[2])];
const request = Buffer.alloc(20);
request.writeUInt16BE(0x0001, 0); request.writeUInt32BE(0x2112a442, 4);
require('node:crypto').randomFillSync(request, 8, 12);
socket.on('message', (m) => { if (m.readUInt16BE(0) === 0x0101) { console.log('ready'); process.exit(0); } });
const timer = setInterval(() => socket.send(request, port, host), 100);
setTimeout(() => { clearInterval(timer); process.exit(1); }, 10000);`;

function inNamespace(netns: string | undefined, command: string, args: string[]): [string, string[]] {
  return netns === undefined ? [command, args] : ['ip', ['netns', 'exec', netns, command, ...args]];
}

export async function startCoturn(options: CoturnOptions): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-coturn-'));
  const config = join(dir, 'turnserver.conf');
  writeFileSync(config, configText(options, dir), { mode: 0o600 });
  const [command, args] = inNamespace(options.netns, TURNSERVER_PATH, ['-c', config]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => log.push(line));
  createInterface({ input: child.stderr }).on('line', (line) => log.push(line));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await probe(options, child);
  } catch (error) {
    await close();
    throw new Error(`${(error as Error).message}; coturn said:\n${log.slice(-30).join('\n')}`);
  }
  return { url: `turn:${options.address}:${options.port}?transport=udp`, log, close };
}

async function probe(options: CoturnOptions, coturn: ChildProcess): Promise<void> {
  const [command, args] = inNamespace(options.netns, process.execPath, [
    '-e',
    PROBE,
    options.address,
    String(options.port),
  ]);
  const prober = spawn(command, args, { stdio: 'ignore' });
  const failed = new Promise<never>((_, fail) =>
    coturn.once('exit', (code) => fail(new Error(`coturn exited (${code}) before it answered STUN`))),
  );
  const answered = new Promise<void>((done, fail) =>
    prober.once('exit', (code) =>
      code === 0 ? done() : fail(new Error('coturn did not answer a STUN binding request in 10 s')),
    ),
  );
  try {
    await Promise.race([answered, failed]);
  } finally {
    prober.kill();
  }
}
