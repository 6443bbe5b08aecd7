/**
 * Scale: one receiver process hosting 1, 10 and 100 devices at 1000 Hz each, fed by the synthetic Node
 * sharer (bench/sharer/child.ts) over one Ferry session with the default pipeline.
 */
import { randomBytes } from 'node:crypto';
import { RECEIVER_CHILD } from './endpoints.ts';
import { ChildHandle } from './ipc.ts';
import type { WindowResult } from './receiver/recorder.ts';
import type { ScaleRow } from './results.ts';
import { round, summarize } from './stats.ts';

const SHARER_CHILD = new URL('./sharer/child.ts', import.meta.url).pathname;

async function waitDevices(receiver: ChildHandle, count: number): Promise<void> {
  const end = Date.now() + 20_000;
  while ((await receiver.request<number>('devices')) < count) {
    if (Date.now() > end) throw new Error(`only some of ${count} devices were announced`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function drain(receiver: ChildHandle, expected: number): Promise<void> {
  let last = -1;
  for (let i = 0; i < 60; i++) {
    const count = await receiver.request<number>('count');
    if (count >= expected || count === last) return;
    last = count;
    await new Promise((done) => setTimeout(done, 100));
  }
}

export async function runScaleStep(signalUrl: string, devices: number, rateHz: number, durationMs: number) {
  const sharer = ChildHandle.start(SHARER_CHILD);
  const receiver = ChildHandle.start(RECEIVER_CHILD);
  try {
    const secret = randomBytes(16).toString('base64url');
    const sessionId = await sharer.request<string>('host', { signalUrl, secret, devices });
    await receiver.request('ferry', { signalUrl, sessionId, secret });
    await sharer.request('ready');
    await waitDevices(receiver, devices);
    await sharer.request('run', { rateHz, durationMs: 500 }); // warm-up, discarded
    await drain(receiver, Number.POSITIVE_INFINITY);
    await receiver.request('start', { capacity: Math.ceil((devices * rateHz * durationMs) / 1000) + 1000 });
    const sent = await sharer.request<number>('run', { rateHz, durationMs }, durationMs + 30_000);
    await drain(receiver, sent);
    const received = await receiver.request<WindowResult>('stop');
    const stats = summarize([...received.latencies]);
    const row: ScaleRow = {
      devices,
      rateHz,
      sent,
      delivered: received.delivered,
      lost: sent - received.delivered,
      p50_ms: round(stats.p50),
      p99_ms: round(stats.p99),
      max_ms: round(stats.max),
      receiver_cpu_ms_per_s: round((received.cpuMs / received.wallMs) * 1000, 1),
      receiver_cpu_ms_per_1000: round((received.cpuMs / Math.max(1, received.delivered)) * 1000, 1),
      rss_mb: round(received.rssMb, 1),
    };
    console.error(`  ${devices} device(s) × ${rateHz} Hz: p99 ${row.p99_ms} ms, lost ${row.lost}/${sent}`);
    return row;
  } finally {
    await sharer.request('close').catch(() => undefined);
    await receiver.request('close').catch(() => undefined);
    await Promise.all([sharer.stop(), receiver.stop()]);
  }
}

export async function runScale(
  signalUrl: string,
  counts: readonly number[],
  durationMs: number,
): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const devices of counts) rows.push(await runScaleStep(signalUrl, devices, 1000, durationMs));
  return rows;
}
