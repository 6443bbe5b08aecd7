/**
 * One measured window on a connected endpoint: pace tagged reports in the page, drain, collect the
 * receiver's figures, then let any backlog of the window settle before the next one starts.
 */
import { bounded, type Endpoint } from './endpoints.ts';
import type { BenchWindow, PacedResult, PacedRun } from './page/api.ts';
import type { WindowResult } from './receiver/recorder.ts';

export interface Measured {
  paced: PacedResult;
  received: WindowResult;
  /**
   * Reports of this window that arrived after its drain gave up (during the settle wait). They count as
   * lost for this window, and are not counted by the next.
   */
  late: number;
  /** Messages the page's Ferry sharer dropped at the sender during this window (its 64 KiB cap). */
  droppedAtSender: number;
}

/** Every window gets its own tag; the receiver counts only reports that carry it. */
let nextTag = 1;

/** Waits until the receiver has everything, or its count stops moving for `quietMs`. */
async function drain(endpoint: Endpoint, expected: number, quietMs = 600, maxMs = 5000): Promise<void> {
  const end = Date.now() + maxMs;
  let last = -1;
  let lastChange = Date.now();
  while (Date.now() < end) {
    const count = await endpoint.receiver.request<number>('count');
    if (count >= expected) return;
    if (count !== last) {
      last = count;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > quietMs) return;
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * After a window that left reports undelivered: waits (bounded) until nothing more arrives at all, so a
 * backlog still in the queues does not land in the next window's latencies. Returns the window's reports
 * that arrived meanwhile.
 */
async function settle(endpoint: Endpoint, quietMs = 1000, maxMs = 20_000): Promise<number> {
  const end = Date.now() + maxMs;
  let last = await endpoint.receiver.request<number>('arrivals');
  let lastChange = Date.now();
  while (Date.now() < end && Date.now() - lastChange < quietMs) {
    await new Promise((done) => setTimeout(done, 100));
    const arrivals = await endpoint.receiver.request<number>('arrivals');
    if (arrivals !== last) {
      last = arrivals;
      lastChange = Date.now();
    }
  }
  return endpoint.receiver.request<number>('late');
}

export async function measureWindow(endpoint: Endpoint, run: Omit<PacedRun, 'tag'>): Promise<Measured> {
  const tagged: PacedRun = { ...run, tag: nextTag++ };
  const expected = Math.floor((run.durationMs * run.rateHz) / 1000);
  const droppedBefore = await droppedAtSender(endpoint);
  await endpoint.receiver.request('start', { capacity: expected + 1000, tag: tagged.tag });
  const paced = await bounded(
    `${endpoint.config} run @ ${run.rateHz}/s`,
    endpoint.page.evaluate((r) => (window as unknown as BenchWindow).ferryBench.run(r), tagged),
    run.durationMs + 30_000,
  );
  await drain(endpoint, paced.sent);
  const received = await endpoint.receiver.request<WindowResult>('stop');
  const late = received.delivered < paced.sent ? await settle(endpoint) : 0;
  return { paced, received, late, droppedAtSender: (await droppedAtSender(endpoint)) - droppedBefore };
}

function droppedAtSender(endpoint: Endpoint): Promise<number> {
  return endpoint.page.evaluate(() => (window as unknown as BenchWindow).ferryBench.droppedAtSender());
}
