/**
 * Latency, loss and receiver cost of the four configurations at each rate, measured side by side:
 * every configuration is connected first, then each rate runs through all of them in turn.
 */
import { checkClock } from './clock.ts';
import { closeEndpoint, connectEndpoint, type Endpoint, type Services } from './endpoints.ts';
import type { BenchWindow } from './page/api.ts';
import { type AbsentRow, type ClockCheck, CONFIGS, type LatencyRow } from './results.ts';
import { benchSocketDrops, type SocketDrops, udpRcvbufErrors } from './snmp.ts';
import { round, summarize } from './stats.ts';
import { type Measured, measureWindow } from './window.ts';

export interface LatencyOptions {
  rates: readonly number[];
  /** Per configuration and rate, split into `rounds` windows taken in turn with the other configurations. */
  durationMs: number;
  rounds: number;
  /** Only these configurations (`--configs`); default all four. */
  configs?: readonly string[] | undefined;
}

/** A window with the machine's UDP receive-buffer drops during it (undefined off Linux). */
type Timed = Measured & { rcvbufErrors: number | undefined; socketDrops: SocketDrops | undefined };

async function measureCounted(endpoint: Endpoint, run: Parameters<typeof measureWindow>[1]): Promise<Timed> {
  const pid = endpoint.receiver.child.pid;
  const before = udpRcvbufErrors();
  const socketsBefore = benchSocketDrops(pid);
  const measured = await measureWindow(endpoint, run);
  const after = udpRcvbufErrors();
  const socketsAfter = benchSocketDrops(pid);
  return {
    ...measured,
    rcvbufErrors: before === undefined || after === undefined ? undefined : after - before,
    socketDrops:
      socketsBefore && socketsAfter
        ? {
            receiver: socketsAfter.receiver - socketsBefore.receiver,
            others: socketsAfter.others - socketsBefore.others,
          }
        : undefined,
  };
}

function latencyRow(endpoint: Endpoint, rateHz: number, durationMs: number, windows: Timed[]) {
  const sum = (pick: (m: Timed) => number) => windows.reduce((total, m) => total + pick(m), 0);
  const all = new Float64Array(sum((m) => m.received.latencies.length));
  let offset = 0;
  for (const m of windows) {
    all.set(m.received.latencies, offset);
    offset += m.received.latencies.length;
  }
  const stats = summarize([...all]);
  const sent = sum((m) => m.paced.sent);
  const delivered = sum((m) => m.received.delivered);
  const row: LatencyRow = {
    config: endpoint.config,
    pipeline: endpoint.pipeline,
    rateHz,
    durationS: durationMs / 1000,
    sent,
    delivered,
    lost: sent - delivered,
    p50_ms: round(stats.p50),
    p99_ms: round(stats.p99),
    p999_ms: round(stats.p999),
    max_ms: round(stats.max),
    cpu_ms_per_1000: round((sum((m) => m.received.cpuMs) / Math.max(1, delivered)) * 1000, 1),
    rss_mb: round(Math.max(...windows.map((m) => m.received.rssMb)), 1),
    pacing_slip_p99_ms: round(Math.max(...windows.map((m) => m.paced.slipP99Ms))),
    pacing_bursts: sum((m) => m.paced.bursts),
    dropped_at_sender_messages: sum((m) => m.droppedAtSender),
  };
  if (windows.every((m) => m.rcvbufErrors !== undefined))
    row.udp_rcvbuf_errors = sum((m) => m.rcvbufErrors ?? 0);
  if (windows.every((m) => m.socketDrops !== undefined)) {
    row.socket_drops_receiver = sum((m) => m.socketDrops?.receiver ?? 0);
    row.socket_drops_sharer = sum((m) => m.socketDrops?.others ?? 0);
  }
  return { row, samples: all };
}

export interface LatencyResult {
  rows: LatencyRow[];
  absent: AbsentRow[];
  clock: ClockCheck[];
  /** Latency samples per config and rate, for the chart. */
  samples: Map<string, Float64Array>;
}

export async function runLatency(services: Services, options: LatencyOptions): Promise<LatencyResult> {
  const absent: AbsentRow[] = [];
  const endpoints: Endpoint[] = [];
  const clock: ClockCheck[] = [];
  try {
    for (const config of CONFIGS.filter((c) => !options.configs || options.configs.includes(c))) {
      try {
        endpoints.push(await connectEndpoint(config, services));
      } catch (error) {
        absent.push({
          config,
          absent: `could not connect: ${error instanceof Error ? error.message : error}`,
        });
      }
    }
    const first = endpoints[0];
    if (first) {
      clock.push(
        await checkClock('page', () =>
          first.page.evaluate(() => (window as unknown as BenchWindow).ferryBench.now()),
        ),
        await checkClock('receiver process', () => first.receiver.request<number>('now')),
      );
    }
    // Warm-up (JIT, SCTP windows), discarded.
    for (const endpoint of endpoints)
      await measureWindow(endpoint, { rateHz: 1000, durationMs: 1000, device: 0 });
    const rows: LatencyRow[] = [];
    const samples = new Map<string, Float64Array>();
    for (const rateHz of options.rates) {
      const windows = new Map<Endpoint, Timed[]>(endpoints.map((endpoint) => [endpoint, []]));
      // Round-robin in short windows, so a burst of load on the machine lands on every configuration.
      for (let round = 0; round < options.rounds; round++) {
        for (const endpoint of endpoints) {
          const run = { rateHz, durationMs: options.durationMs / options.rounds, device: 0 };
          windows.get(endpoint)?.push(await measureCounted(endpoint, run));
        }
      }
      for (const endpoint of endpoints) {
        const row = latencyRow(endpoint, rateHz, options.durationMs, windows.get(endpoint) ?? []);
        row.row.seq_lost_total = await endpoint.receiver.request<number>('seqLost').catch(() => 0);
        samples.set(`${endpoint.config}@${rateHz}`, row.samples);
        rows.push(row.row);
        console.error(
          `  ${endpoint.config} @ ${rateHz} Hz: p50 ${row.row.p50_ms} p99 ${row.row.p99_ms} ms, lost ${row.row.lost}/${row.row.sent}` +
            (row.row.seq_lost_total ? ` (seq declared ${row.row.seq_lost_total} lost so far)` : '') +
            (row.row.dropped_at_sender_messages
              ? `, ${row.row.dropped_at_sender_messages} messages dropped at the sender`
              : '') +
            (row.row.socket_drops_receiver !== undefined
              ? `, socket drops: receiver ${row.row.socket_drops_receiver}, sharer ${row.row.socket_drops_sharer}`
              : '') +
            (row.row.udp_rcvbuf_errors !== undefined
              ? `, ${row.row.udp_rcvbuf_errors} UDP RcvbufErrors`
              : ''),
        );
      }
    }
    return { rows, absent, clock, samples };
  } finally {
    for (const endpoint of endpoints) await closeEndpoint(endpoint).catch(() => undefined);
  }
}
