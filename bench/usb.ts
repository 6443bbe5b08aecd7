/**
 * The usb part (issue 6): a simulated Gadget Zero shared by Ferry's real SharerSession (Node, @roamhq/wrtc,
 * through Ferry's signaling server; default pipeline, and the empty one beside it) to a ReceiverSession whose RemoteUsbDevice drives it
 * — bulk loopback OUT + IN pairs with several in flight for a fixed time (MB/s each way), and vendor control
 * reads (0x5c) one at a time (round trip) — beside the same byte counts echoed over a bare @roamhq/wrtc
 * data channel pair (the floor). Sharer and receiver are each their own process (bench/usb/*-child.ts),
 * as they would be on two machines; Ferry and the floor are measured in alternating rounds.
 */
import { randomBytes } from 'node:crypto';
import { ChildHandle } from './ipc.ts';
import type { UsbBulkRow, UsbControlRow, UsbResults } from './results.ts';
import { round, summarize } from './stats.ts';
import type { BulkOutcome, BulkRun, ControlOutcome, ControlRun, UsbPath } from './usb/receiver-child.ts';
import type { ChannelStats } from './usb/send-stats.ts';

const SHARER_CHILD = new URL('./usb/sharer-child.ts', import.meta.url).pathname;
const RECEIVER_CHILD = new URL('./usb/receiver-child.ts', import.meta.url).pathname;
const PATHS: readonly UsbPath[] = ['ferry', 'ferry-no-bundle', 'bare-datachannel'];
/**
 * The sessions' pipelines: the default (bundle(1ms): a frame that follows another within 1 ms waits for
 * the window, which a request/response exchange hits every time), and the empty pipeline, to show it.
 */
const FERRY_PIPELINES = { ferry: undefined, 'ferry-no-bundle': '' } as const;
/** How long the connected, quiet processes are watched for their fixed CPU cost (twice: before and after). */
const IDLE_MS = 1500;

export interface UsbOptions {
  /** Bulk seconds per path and in-flight depth, split over `rounds`. */
  bulkMs: number;
  /** Control reads per path, split over `rounds`. */
  controlCount: number;
  rounds: number;
  /** Pairs (OUT + IN) in flight at once. */
  inFlight: readonly number[];
  transferBytes: number;
  controlBytes: number;
  /** The `ferry` row's pipeline instead of the default (`--usb-pipeline`, for experiments). */
  ferryPipeline?: string | undefined;
  /** Only these paths (default all three); each round still alternates them. */
  paths?: readonly UsbPath[] | undefined;
}

/** `childArgv`: extra node flags for both children (e.g. --cpu-prof). */
export async function runUsb(
  signalUrl: string,
  options: UsbOptions,
  childArgv: string[] = [],
): Promise<UsbResults> {
  const sharer = ChildHandle.start(SHARER_CHILD, childArgv);
  const receiver = ChildHandle.start(RECEIVER_CHILD, childArgv);
  const paths = options.paths ?? PATHS;
  try {
    const secret = randomBytes(16).toString('base64url');
    const pipelines: Record<string, string> = {};
    const ferryPipelines = { ...FERRY_PIPELINES, ferry: options.ferryPipeline };
    for (const [path, pipeline] of Object.entries(ferryPipelines)) {
      const sessionId = await sharer.request<string>('host', { signalUrl, secret, pipeline });
      pipelines[path] = await receiver.request<string>(
        'join',
        { path, signalUrl, sessionId, secret },
        30_000,
      );
    }
    if (pipelines['ferry-no-bundle'] !== '') {
      throw new Error(`ferry-no-bundle agreed on '${pipelines['ferry-no-bundle']}', not the empty pipeline`);
    }
    const offer = await receiver.request<string>('bareOffer');
    await receiver.request('bareAccept', { answer: await sharer.request<string>('bare', { offer }) });

    const cpu = async () => (await sharer.request<number>('cpu')) + (await receiver.request<number>('cpu'));
    const threads = async () => ({
      sharer: await sharer.request<Record<string, number>>('threads'),
      receiver: await receiver.request<Record<string, number>>('threads'),
    });
    const sendStats = process.env.BENCH_USB_SEND_STATS === '1';
    const bulkRun = async (path: UsbPath, inFlight: number, durationMs: number) => {
      if (sendStats) await takeBothSendStats(sharer, receiver);
      const threadsBefore = await threads();
      const before = await cpu();
      const outcome = await receiver.request<BulkOutcome>(
        'bulk',
        { path, transferBytes: options.transferBytes, inFlight, durationMs } satisfies BulkRun,
        durationMs + 30_000,
      );
      const cpuUs = (await cpu()) - before;
      if (sendStats) printSendStats(path, inFlight, outcome.pairs, await takeBothSendStats(sharer, receiver));
      return { ...outcome, cpuUs, threadUs: threadDelta(threadsBefore, await threads()) };
    };
    const idleRate = async () => {
      const before = await cpu();
      const started = performance.now();
      await new Promise((done) => setTimeout(done, IDLE_MS));
      return ((await cpu()) - before) / (performance.now() - started); // µs per ms = ms per s
    };
    const controlRun = (path: UsbPath, count: number) =>
      receiver.request<ControlOutcome>(
        'control',
        { path, length: options.controlBytes, count } satisfies ControlRun,
        60_000,
      );
    // Warm-up (JIT, SCTP windows), discarded.
    for (const path of paths) {
      await controlRun(path, 50);
      await bulkRun(path, Math.max(...options.inFlight), 500);
    }

    const idleBefore = await idleRate();
    const bulk = new Map<string, Array<BulkOutcome & { cpuUs: number; threadUs: ThreadCpu }>>();
    const control = new Map<UsbPath, ControlOutcome[]>();
    for (let r = 0; r < options.rounds; r++) {
      for (const path of paths) {
        const outcomes = control.get(path) ?? [];
        outcomes.push(await controlRun(path, Math.ceil(options.controlCount / options.rounds)));
        control.set(path, outcomes);
      }
      for (const inFlight of options.inFlight) {
        for (const path of paths) {
          const key = `${path}/${inFlight}`;
          const outcomes = bulk.get(key) ?? [];
          outcomes.push(await bulkRun(path, inFlight, options.bulkMs / options.rounds));
          bulk.set(key, outcomes);
        }
      }
    }

    const idle = (idleBefore + (await idleRate())) / 2;

    const controlRows: UsbControlRow[] = paths.map((path) => {
      const outcomes = control.get(path) ?? [];
      const stats = summarize(outcomes.flatMap((o) => o.rttMs));
      const row: UsbControlRow = {
        path,
        length: options.controlBytes,
        count: stats.n,
        errors: outcomes.reduce((sum, o) => sum + o.errors, 0),
        p50_ms: round(stats.p50),
        p99_ms: round(stats.p99),
        max_ms: round(stats.max),
      };
      console.error(`  control ${path} ${row.length} B: p50 ${row.p50_ms} p99 ${row.p99_ms} ms`);
      return row;
    });
    const bulkRows: UsbBulkRow[] = options.inFlight.flatMap((inFlight) =>
      paths.map((path) => {
        const outcomes = bulk.get(`${path}/${inFlight}`) ?? [];
        const pairs = outcomes.reduce((sum, o) => sum + o.pairs, 0);
        const wallMs = outcomes.reduce((sum, o) => sum + o.wallMs, 0);
        const stats = summarize(outcomes.flatMap((o) => o.pairMs));
        const row: UsbBulkRow = {
          path,
          transferBytes: options.transferBytes,
          inFlight,
          durationS: round(wallMs / 1000, 1),
          pairs,
          errors: outcomes.reduce((sum, o) => sum + o.errors, 0),
          MB_per_s: round((pairs * options.transferBytes) / (wallMs / 1000) / 1e6, 2),
          MB_per_s_rounds: outcomes.map((o) => round((o.pairs * options.transferBytes) / o.wallMs / 1e3, 2)),
          pair_p50_ms: round(stats.p50),
          pair_p99_ms: round(stats.p99),
          cpu_us_per_pair: round(outcomes.reduce((sum, o) => sum + o.cpuUs, 0) / Math.max(1, pairs), 0),
          cpu_us_per_pair_by_thread: perPair(
            outcomes.map((o) => o.threadUs),
            pairs,
          ),
          cpu_us_per_pair_net: round(
            outcomes.reduce((sum, o) => sum + o.cpuUs - idle * o.wallMs, 0) / Math.max(1, pairs),
            0,
          ),
        };
        console.error(
          `  bulk ${path} ${row.transferBytes} B × ${inFlight} in flight: ${row.MB_per_s} MB/s each way (rounds ${row.MB_per_s_rounds?.join(' ')})`,
        );
        return row;
      }),
    );
    const counters = await receiver.request<Record<string, unknown>>('counters');
    return {
      pipelines,
      bulk: bulkRows,
      control: controlRows,
      ferryCounters: counters,
      idle_cpu_ms_per_s: round(idle, 1),
    };
  } finally {
    await receiver.request('close').catch(() => undefined);
    await sharer.request('close').catch(() => undefined);
    await Promise.all([receiver.stop(), sharer.stop()]);
  }
}

async function takeBothSendStats(sharer: ChildHandle, receiver: ChildHandle) {
  return {
    sharer: await sharer.request<Record<string, ChannelStats>>('sendStats'),
    receiver: await receiver.request<Record<string, ChannelStats>>('sendStats'),
  };
}

/** One line per side and channel: messages per pair, their mean size, the wall time send() blocked. */
function printSendStats(
  path: UsbPath,
  inFlight: number,
  pairs: number,
  sides: Record<'sharer' | 'receiver', Record<string, ChannelStats>>,
): void {
  for (const [side, labels] of Object.entries(sides)) {
    for (const [label, s] of Object.entries(labels)) {
      if (s.sends === 0 && s.received === 0) continue;
      console.error(
        `    send-stats ${path} ×${inFlight} ${side} '${label}': ${(s.sends / pairs).toFixed(2)} sends/pair, ` +
          `${Math.round(s.sentBytes / Math.max(1, s.sends))} B/send, ${(s.sendWallUs / Math.max(1, s.sends)).toFixed(0)} µs/send, ` +
          `${(s.sendWallUs / pairs).toFixed(0)} µs send/pair; ${(s.received / pairs).toFixed(2)} received/pair, ` +
          `${Math.round(s.receivedBytes / Math.max(1, s.received))} B each; turn p50 ${s.turnP50Us} µs`,
      );
    }
  }
}

/** Per process, per thread name: CPU µs. */
type ThreadCpu = Record<'sharer' | 'receiver', Record<string, number>>;

function threadDelta(before: ThreadCpu, after: ThreadCpu): ThreadCpu {
  const side = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.entries(b).map(([name, us]) => [name, us - (a[name] ?? 0)]));
  return { sharer: side(before.sharer, after.sharer), receiver: side(before.receiver, after.receiver) };
}

/** The rounds' thread CPU summed, per pair, keeping the threads that cost at least 1 µs per pair. */
function perPair(rounds: ThreadCpu[], pairs: number): ThreadCpu {
  const side = (pick: (t: ThreadCpu) => Record<string, number>) => {
    const sums: Record<string, number> = {};
    for (const round of rounds)
      for (const [name, us] of Object.entries(pick(round))) sums[name] = (sums[name] ?? 0) + us;
    return Object.fromEntries(
      Object.entries(sums)
        .map(([name, us]) => [name, Math.round(us / Math.max(1, pairs))] as const)
        .filter(([, us]) => us >= 1),
    );
  };
  return { sharer: side((t) => t.sharer), receiver: side((t) => t.receiver) };
}
