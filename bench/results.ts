/** The shapes of bench/results.json. */
import type { ImpairedResults } from './impaired.ts';
import type { OutageResults } from './outage.ts';
import type { BenchRow } from './pipeline.ts';
import type { ReceiverPageRow } from './receiver-page.ts';
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
  /** Ferry with seq: reports the receiver's seq declared lost since the link opened (all rates so far). */
  seq_lost_total?: number;
  /**
   * Ferry: messages (not reports: a bundle carries several) the page's sharer dropped at the sender in
   * this row's windows, because sending would have queued the unreliable channel past 64 KiB.
   */
  dropped_at_sender_messages?: number;
  /**
   * UDP datagrams the kernel dropped at a full socket receive buffer during this row's windows
   * (/proc/net/snmp6 Udp6RcvbufErrors + /proc/net/snmp RcvbufErrors; machine-wide, so other processes'
   * UDP counts too). Absent off Linux.
   */
  udp_rcvbuf_errors?: number;
  /**
   * The same drops counted on this bench's own sockets only (/proc/net/udp* per-socket `drops`): the
   * row's receiver child's, and every other socket of the bench's process tree (Chromium's network
   * service: the sharer's end, which takes in the receiver's SACKs).
   */
  socket_drops_receiver?: number;
  socket_drops_sharer?: number;
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
  /** This step's reports (tagged with its window id) that arrived within the drain. */
  delivered: number;
  /** sent − delivered: not delivered within the step and its drain (up to 5 s). */
  lost: number;
  /** Of `lost`, those that arrived later, during the bounded settle wait before the next step. */
  late: number;
  /** Reports of earlier steps that arrived during this one (not counted; 0 unless a settle wait ran out). */
  stray: number;
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

/** The usb part (bench/usb.ts): Gadget Zero through Ferry, beside a bare data channel echo. */
/** `ferry`: default pipeline; `ferry-no-bundle`: empty pipeline; `bare-datachannel`: the floor. */
export type UsbPathName = 'ferry' | 'ferry-no-bundle' | 'bare-datachannel';

export interface UsbBulkRow {
  path: UsbPathName;
  /** Each OUT and each IN transfer (the floor: a message of this plus a 12-byte header, echoed). */
  transferBytes: number;
  /** OUT + IN pairs in flight at once. */
  inFlight: number;
  durationS: number;
  /** Pairs completed intact (each moved transferBytes out and back). */
  pairs: number;
  /** Pairs with a status other than ok, or IN data that was not what went out. */
  errors: number;
  /** Loopback payload per second, each way. */
  MB_per_s: number;
  /** The same per round, in order: rounds alternate the paths, so round i of two paths shares its minutes. */
  MB_per_s_rounds?: number[];
  /** Issue of a pair to both its completions. */
  pair_p50_ms: number;
  pair_p99_ms: number;
  /** CPU time of both processes (every thread) per pair, µs: what the path costs, whatever else runs. */
  cpu_us_per_pair: number;
  /**
   * The same less the processes' idle cost (`idle_cpu_ms_per_s` × this row's wall time): what each pair
   * itself costs, so that a slower row is not charged more for the open connections' fixed cost.
   */
  cpu_us_per_pair_net?: number;
  /** CPU µs per pair by process and thread name (Linux): `main` is JavaScript, the rest @roamhq/wrtc's. */
  cpu_us_per_pair_by_thread?: Record<'sharer' | 'receiver', Record<string, number>>;
}

export interface UsbControlRow {
  path: UsbPathName;
  /** wLength of the vendor read (0x5c); the floor echoes a 16-byte request with a 12 + length reply. */
  length: number;
  count: number;
  errors: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

export interface UsbResults {
  /** Ferry path → the pipeline its sessions agreed on. */
  pipelines: Record<string, string>;
  bulk: UsbBulkRow[];
  control: UsbControlRow[];
  /** Per Ferry path, the RemoteUsbDevice's counters at the end (completions per status, bytes each way). */
  ferryCounters?: Record<string, unknown>;
  /** CPU of both processes (every thread) per second with every path connected and nothing moving. */
  idle_cpu_ms_per_s?: number;
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
  /** `--load N`: spinning child processes the bench ran beside itself (0 without the flag). */
  addedLoad?: number;
  clock: ClockCheck[];
  latency: LatencyRow[];
  absent: AbsentRow[];
  throughput: ThroughputRow[];
  scale: ScaleRow[];
  pipeline: BenchRow[];
  hid: { name: string; nsPerOp: number }[];
  webrtcStacks: StackResult[];
  usb: UsbResults;
  /** The impaired part (bench/impaired.ts): delay, loss and an outage through the userspace wire. */
  impaired: ImpairedResults;
  /** Outages on one share (bench/outage.ts); absent from results written before the part existed. */
  outage?: OutageResults;
  /** The receiver page's main-thread time per frame at 1 kHz input, with and without its plots. */
  receiverPage: ReceiverPageRow[];
  /** Part → wall seconds. */
  durations: Record<string, number>;
}
