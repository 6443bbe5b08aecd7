/**
 * `npx tsx --expose-gc bench/signaling/main.ts`: what idle sessions cost the signaling server in memory,
 * and what a bad message costs it in CPU (figures for docs/security.md). The server runs here; the clients
 * run in a child process (client-child.ts) so that only the server's memory and CPU are measured.
 * Figures are printed, never asserted.
 */
import { createFerryServer, type FerryServerOptions } from '../../signaling/index.ts';
import { ChildHandle } from '../ipc.ts';

const CLIENT_CHILD = new URL('./client-child.ts', import.meta.url).pathname;
const SESSIONS = Number(process.env.SESSIONS ?? 10_000);
const BAD_MESSAGES = Number(process.env.BAD_MESSAGES ?? 20_000);
const MiB = 1024 * 1024;

/** 400 loopback source addresses (127.1.x.y): enough that the default per-address limits admit 10,000. */
const ADDRESSES = Array.from({ length: 400 }, (_, i) => `127.1.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`);

const roomy = { burst: 10_000_000, perMinute: 10_000_000 };
const UNLIMITED: FerryServerOptions = {
  maxBadMessages: 10_000_000,
  limits: { connections: roomy, messages: roomy, badMessages: roomy, socketsPerAddress: 1_000_000 },
};

async function settledMemory(): Promise<{ heap: number; rss: number }> {
  for (let n = 0; n < 3; n++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed + usage.external + usage.arrayBuffers, rss: usage.rss };
}

async function withServer<T>(
  options: FerryServerOptions,
  run: (url: string, child: ChildHandle) => Promise<T>,
): Promise<T> {
  const server = await createFerryServer({ port: 0, host: '127.0.0.1', log: () => {}, ...options });
  const child = ChildHandle.start(CLIENT_CHILD);
  try {
    return await run(`ws://127.0.0.1:${server.port}/signal`, child);
  } finally {
    await child.stop();
    await server.close();
  }
}

async function memoryFor(op: 'idle-sessions' | 'empty-sessions') {
  // Default limits: the sessions come from 400 addresses, so the per-address ledger is counted too.
  return withServer({}, async (url, child) => {
    const before = await settledMemory();
    const sessions = await child.request<number>(op, { url, count: SESSIONS, addresses: ADDRESSES }, 600_000);
    const after = await settledMemory();
    await child.request('close-all');
    return {
      scenario: op === 'idle-sessions' ? 'idle sessions, creator connected' : 'sessions created and left',
      sessions,
      heapMiB: round((after.heap - before.heap) / MiB),
      rssMiB: round((after.rss - before.rss) / MiB),
      bytesPerSession: Math.round((after.heap - before.heap) / Math.max(1, sessions)),
    };
  });
}

const BAD: Record<string, string> = {
  'not JSON (4 bytes)': 'nope',
  'unknown type': '{"type":"subscribe"}',
  'invalid join': '{"type":"join","nameplate":"x","role":"sharer","name":"n"}',
  'type of 16,300 x (the issue)': JSON.stringify({ type: 'x'.repeat(16_300) }),
  'near-cap JSON array of numbers': `[${Array(5400).fill('12').join(',')}]`,
};

async function badMessageCost(label: string, text: string) {
  return withServer(UNLIMITED, async (url, child) => {
    // A warm-up round first, so the figure is the steady cost, not the JIT's first compile.
    const warmUp = { url, count: Math.ceil(BAD_MESSAGES / 10), text, sockets: 20 };
    await child.request('bad-messages', warmUp, 600_000);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await child.request<{ replies: number }>(
      'bad-messages',
      { url, count: BAD_MESSAGES, text, sockets: 20 },
      600_000,
    );
    const used = process.cpuUsage(cpu);
    return {
      message: label,
      bytes: Buffer.byteLength(text),
      answered: result.replies,
      serverCpuUsPerMessage: round((used.user + used.system) / BAD_MESSAGES),
      wallMs: Math.round(performance.now() - started),
    };
  });
}

async function floodAtDefaults() {
  return withServer({}, async (url, child) => {
    const cpu = process.cpuUsage();
    const result = await child.request<{ sent: number; sockets: number; replies: number }>(
      'flood',
      { url, count: BAD_MESSAGES, text: 'nope' },
      600_000,
    );
    const used = process.cpuUsage(cpu);
    return { ...result, serverCpuUsPerMessage: round((used.user + used.system) / result.sent) };
  });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

if (!(globalThis as { gc?: unknown }).gc) console.error('(run with --expose-gc for steadier memory figures)');
console.error(`signaling bench: ${SESSIONS} sessions, ${BAD_MESSAGES} bad messages per row`);
const memory = [await memoryFor('idle-sessions'), await memoryFor('empty-sessions')];
console.table(memory);
const costs = [];
for (const [label, text] of Object.entries(BAD)) costs.push(await badMessageCost(label, text));
console.table(costs);
const flood = await floodAtDefaults();
console.table([flood]);
console.log(JSON.stringify({ node: process.version, memory, costs, flood }, null, 2));
