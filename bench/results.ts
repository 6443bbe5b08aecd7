/** The shapes of bench/results.json. */
import type { BenchRow } from './pipeline.ts';
import type { StackResult } from './webrtc-stacks.ts';

export type ConfigName = 'bare-datachannel' | 'ferry-default' | 'ferry-unreliable' | 'websocket-relay';
export const CONFIGS: readonly ConfigName[] = [
  'bare-datachannel',
  'ferry-default',
  'ferry-unreliable',
  'websocket-relay',
];

export interface LatencyRow {
  config: ConfigName;
  /** Ferry rows: the pipeline spec the two sessions agreed on. */
  pipeline: string;
  rateHz: number;
  durationS: number;
  sent: number;
  delivered: number;
  lost: number;
  p50_ms: number;
  p99_ms: number;
  p999_ms: number;
  max_ms: number;
  cpu_ms_per_1000: number;
  rss_mb: number;
  /** Page-side pacing error (p99, ms) and wake-ups that emitted more than one report. */
  pacing_slip_p99_ms: number;
  pacing_bursts: number;
}

export interface AbsentRow {
  config: ConfigName;
  absent: string;
}

export interface ThroughputRow {
  config: ConfigName;
  reportBytes: number;
  offeredHz: number;
  sent: number;
  delivered: number;
  delivered_per_s: number;
  MB_per_s: number;
  p99_ms: number;
  /** Delivered everything with p99 under 50 ms: neither loss nor a growing queue. */
  sustained: boolean;
}

export interface ScaleRow {
  devices: number;
  rateHz: number;
  sent: number;
  delivered: number;
  lost: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  receiver_cpu_ms_per_s: number;
  receiver_cpu_ms_per_1000: number;
  rss_mb: number;
}

export interface ClockCheck {
  /** Who was compared with the bench process, offset (ms, theirs − ours) and ± half the probe's round trip. */
  peer: string;
  offset_ms: number;
  uncertainty_ms: number;
}

export interface Results {
  date: string;
  machine: string;
  mode: 'full' | 'quick';
  /** 1-minute load average at the start and end: other work on the machine shows up in every p99. */
  loadAverage: { start: number; end: number };
  clock: ClockCheck[];
  latency: LatencyRow[];
  absent: AbsentRow[];
  throughput: ThroughputRow[];
  scale: ScaleRow[];
  pipeline: BenchRow[];
  hid: { name: string; nsPerOp: number }[];
  webrtcStacks: StackResult[];
  /** Part → wall seconds. */
  durations: Record<string, number>;
}
