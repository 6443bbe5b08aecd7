import type { RecordedReport, ReplayOptions, ReplayResult } from './config.ts';
import type { FakeDeviceHandle } from './connection.ts';
import { hexToBytes } from './hex.ts';

/** hidraw hands a numbered report with its ID in byte 0; an unnumbered one starts with data (README). */
export function splitRecordedReport(
  report: string,
  usesReportIds: boolean,
): { reportId: number; data: Uint8Array } {
  const bytes = hexToBytes(report);
  if (!usesReportIds) return { reportId: 0, data: bytes };
  return { reportId: bytes[0] ?? 0, data: bytes.subarray(1) };
}

/** Milliseconds after the start at which each report is due. */
export function replaySchedule(recording: readonly RecordedReport[], options: ReplayOptions): number[] {
  const { speed = 1, intervalMs } = options;
  if (!(speed > 0)) throw new RangeError(`replay speed must be positive, got ${speed}`);
  const first = recording[0]?.t ?? 0;
  return recording.map((event, index) =>
    intervalMs === undefined ? ((event.t - first) * 1000) / speed : index * intervalMs,
  );
}

function sleepUntil(due: number): Promise<void> {
  const wait = due - performance.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

/** Plays a recording through the device. Timing is drift-free: each report waits for its absolute due time. */
export async function replayRecording(
  device: FakeDeviceHandle,
  recording: readonly RecordedReport[],
  options: ReplayOptions,
): Promise<ReplayResult> {
  const events = recording.slice(0, options.count ?? recording.length);
  const schedule = replaySchedule(events, options);
  const start = performance.now();
  const deliveries: Promise<number>[] = [];
  for (const [index, event] of events.entries()) {
    await sleepUntil(start + (schedule[index] ?? 0));
    const { reportId, data } = splitRecordedReport(event.report, device.config.usesReportIds);
    deliveries.push(device.produceInputReport(reportId, data));
  }
  const reached = await Promise.all(deliveries);
  return { sent: events.length, delivered: reached.filter((count) => count > 0).length };
}
