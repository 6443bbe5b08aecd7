/**
 * Sustained throughput: offered rates stepped up on bare-datachannel and ferry-default, with 64-byte
 * reports (reports/s) and 4096-byte reports (MB/s). A step is sustained when every report arrives and the
 * p99 stays under 50 ms (no queue growing); the figure is the highest sustained step's delivered rate.
 * A step counts only its own reports (each window tags its reports, bench/window.ts): what an overloaded
 * step leaves in the queues is lost for that step, and is waited out before the next step starts.
 */

import { LARGE_REPORT_BYTES } from './device.ts';
import { closeEndpoint, connectEndpoint, type Services } from './endpoints.ts';
import type { ConfigName, ThroughputRow } from './results.ts';
import { round, summarize } from './stats.ts';
import { measureWindow } from './window.ts';

export interface ThroughputOptions {
  smallRates: readonly number[];
  largeRates: readonly number[];
  durationMs: number;
}

const CONFIGS: readonly ConfigName[] = ['bare-datachannel', 'ferry-default'];

export async function runThroughput(
  services: Services,
  options: ThroughputOptions,
): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const config of CONFIGS) {
    const endpoint = await connectEndpoint(config, services);
    try {
      const steps = [
        ...options.smallRates.map((rate) => [rate, 0, 64] as const),
        ...options.largeRates.map((rate) => [rate, 1, LARGE_REPORT_BYTES] as const),
      ];
      for (const [offeredHz, device, reportBytes] of steps) {
        const { paced, received, late } = await measureWindow(endpoint, {
          rateHz: offeredHz,
          durationMs: options.durationMs,
          device,
        });
        const p99 = summarize([...received.latencies]).p99;
        const row: ThroughputRow = {
          config,
          reportBytes,
          offeredHz,
          sent: paced.sent,
          delivered: received.delivered,
          lost: paced.sent - received.delivered,
          late,
          stray: received.stray,
          delivered_per_s: round(received.delivered / (options.durationMs / 1000), 0),
          MB_per_s: round(received.bytes / (options.durationMs / 1000) / 1e6, 2),
          p99_ms: round(p99),
          sustained: received.delivered === paced.sent && p99 < 50,
        };
        rows.push(row);
        console.error(
          `  ${config} ${reportBytes} B @ ${offeredHz}/s: ${row.delivered_per_s}/s, p99 ${row.p99_ms} ms, lost ${row.lost}/${row.sent}${late ? ` (${late} arrived late)` : ''}${row.stray ? `, ${row.stray} stray` : ''}`,
        );
      }
    } finally {
      await closeEndpoint(endpoint);
    }
  }
  return rows;
}
