/**
 * `npx tsx --expose-gc bench/signaling/nodes.ts`: what a signaling node pays per 10,000 idle sessions,
 * in memory and in creation rate, with sessions in its own memory (the default) and in a Redis shared
 * with other nodes (`--redis`). The node runs here; the clients run in a child process (client-child.ts)
 * so that only the node's memory is measured; with Redis, the redis-server's own memory growth is read
 * from INFO. Sessions/s is wall time for creates sent 250 at a time, on a machine shared by the client
 * process and redis-server. Figures are printed, never asserted.
 */
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { createFerryServer, type FerryServerOptions } from '../../signaling/index.ts';
import { startRedis } from '../../tests/support/redis-server.ts';
import { ChildHandle } from '../ipc.ts';

const CLIENT_CHILD = new URL('./client-child.ts', import.meta.url).pathname;
const SESSIONS = Number(process.env.SESSIONS ?? 10_000);
const MiB = 1024 * 1024;
/** 400 loopback source addresses, so that the default per-address limits admit 10,000 sessions. */
const ADDRESSES = Array.from({ length: 400 }, (_, i) => `127.1.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`);

async function settledMemory(): Promise<number> {
  for (let n = 0; n < 3; n++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external + usage.arrayBuffers;
}

async function redisUsedMemory(url: string): Promise<number> {
  const client = new Redis(url);
  try {
    return Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? 0);
  } finally {
    client.disconnect();
  }
}

async function measure(label: string, options: FerryServerOptions, redisUrl?: string) {
  const server = await createFerryServer({ port: 0, host: '127.0.0.1', log: () => {}, ...options });
  const child = ChildHandle.start(CLIENT_CHILD);
  try {
    const url = `ws://127.0.0.1:${server.port}/signal`;
    const before = await settledMemory();
    const redisBefore = redisUrl ? await redisUsedMemory(redisUrl) : 0;
    const started = performance.now();
    const sessions = await child.request<number>(
      'idle-sessions',
      { url, count: SESSIONS, addresses: ADDRESSES },
      600_000,
    );
    const seconds = (performance.now() - started) / 1000;
    const after = await settledMemory();
    const redisAfter = redisUrl ? await redisUsedMemory(redisUrl) : 0;
    await child.request('close-all');
    const per10k = 10_000 / Math.max(1, sessions);
    return {
      store: label,
      sessions,
      sessionsPerSecond: Math.round(sessions / seconds),
      nodeMiBPer10k: round(((after - before) / MiB) * per10k),
      redisMiBPer10k: redisUrl ? round(((redisAfter - redisBefore) / MiB) * per10k) : '-',
    };
  } finally {
    await child.stop();
    await server.close();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

if (!(globalThis as { gc?: unknown }).gc) console.error('(run with --expose-gc for steadier memory figures)');
console.error(
  `signaling nodes bench: ${SESSIONS} idle sessions per row, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const redis = await startRedis();
try {
  const rows = [
    await measure('memory (default)', {}),
    await measure('redis', { redis: { url: redis.url, keyPrefix: 'bench:' } }, redis.url),
  ];
  console.table(rows);
  console.error(
    `load after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await redis.stop();
}
