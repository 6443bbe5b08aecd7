import type { PacedResult } from './api.ts';
import type { PacerStart, PacerTick } from './pacer-worker.ts';

/** Emits `total` reports on the schedule the pacer worker keeps; `emit` makes the fake device fire one. */
export function paced(
  workerUrl: string,
  rateHz: number,
  durationMs: number,
  emit: () => void,
): Promise<PacedResult> {
  const worker = new Worker(workerUrl);
  const periodMs = 1000 / rateHz;
  const startAt = performance.timeOrigin + performance.now() + 20;
  const slips = new Float64Array(Math.ceil((durationMs * rateHz) / 1000) + 1);
  let sent = 0;
  let bursts = 0;
  return new Promise((resolve) => {
    worker.onmessage = ({ data }: MessageEvent<PacerTick>) => {
      const [first, count] = data;
      if (first < 0) {
        worker.terminate();
        const sorted = slips.subarray(0, sent).sort();
        resolve({
          sent,
          slipP99Ms: sorted[Math.max(0, Math.ceil(sent * 0.99) - 1)] ?? 0,
          slipMaxMs: sorted[sent - 1] ?? 0,
          bursts,
          crossOriginIsolated: self.crossOriginIsolated,
        });
        return;
      }
      if (count > 1) bursts++;
      const now = performance.timeOrigin + performance.now();
      for (let i = 0; i < count; i++) {
        slips[sent++] = now - (startAt + (first + i) * periodMs);
        emit();
      }
    };
    const start: PacerStart = { rateHz, durationMs, startAt };
    worker.postMessage(start);
  });
}
