/** One measured window on a connected endpoint: pace reports in the page, drain, collect the receiver's figures. */
import type { Endpoint } from './endpoints.ts';
import type { BenchWindow, PacedResult, PacedRun } from './page/api.ts';
import type { WindowResult } from './receiver/recorder.ts';

export interface Measured {
  paced: PacedResult;
  received: WindowResult;
}

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

export async function measureWindow(endpoint: Endpoint, run: PacedRun): Promise<Measured> {
  const expected = Math.floor((run.durationMs * run.rateHz) / 1000);
  await endpoint.receiver.request('start', { capacity: expected + 1000 });
  const paced = await endpoint.page.evaluate(
    (r) => (window as unknown as BenchWindow).ferryBench.run(r),
    run,
  );
  await drain(endpoint, paced.sent);
  const received = await endpoint.receiver.request<WindowResult>('stop');
  return { paced, received };
}
