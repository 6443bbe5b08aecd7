/**
 * Pipeline benchmark: CPU per report for each stage (sharer half + receiver half, back to back), bytes on
 * the wire relative to the raw frames, and the latency bundle / coalesce / pace add — all over the corpus
 * recordings replayed at their recorded timing on a virtual clock. Run: npx tsx bench/pipeline.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseReportDescriptor } from '../src/hid/index.ts';
import {
  createPipeline,
  type ReportCodec,
  reportCodecFromModel,
  VirtualClock,
} from '../src/pipeline/index.ts';
import { encodeInputReport } from '../src/protocol/index.ts';

export interface BenchRow {
  name: string;
  nsPerReport: number;
  note?: string;
}

interface Recording {
  name: string;
  codec: ReportCodec;
  frames: Uint8Array[];
}

const corpusDir = fileURLToPath(new URL('../../shared/corpus/hid/', import.meta.url));
const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));

function loadRecordings(): Recording[] {
  return readdirSync(corpusDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      const body = JSON.parse(readFileSync(corpusDir + file, 'utf8')) as {
        descriptor: string;
        recording?: Array<{ t: number; report: string }>;
      };
      if (!body.recording?.length) return [];
      const model = parseReportDescriptor(hex(body.descriptor));
      const frames = body.recording.map(({ t, report }) => {
        const bytes = hex(report);
        const [id, data] = model.usesReportIds ? [bytes[0]!, bytes.subarray(1)] : [0, bytes];
        return encodeInputReport(1, id, t * 1000, data);
      });
      return [{ name: file.replace('.json', ''), codec: reportCodecFromModel(model), frames }];
    });
}

interface RunResult {
  elapsedMs: number;
  reports: number;
  rawBytes: number;
  wireBytes: number;
  messages: number;
  delivered: number;
  /** Virtual ms between a report entering the sharer and leaving the receiver (same order only). */
  latencies: number[];
}

const secret = 'AAECAwQFBgcICQoLDA0ODw';
const connectionContext = new Uint8Array(32).fill(1);

/** Replays one recording through a sharer→receiver pair of `spec`. */
async function run(spec: string, recording: Recording): Promise<RunResult> {
  const clock = new VirtualClock();
  const pushedAt: number[] = [];
  const latencies: number[] = [];
  const result = { reports: recording.frames.length, rawBytes: 0, wireBytes: 0, messages: 0, delivered: 0 };
  const common = { secret, connectionContext, clock, scheduler: clock, codecFor: () => recording.codec };
  const fail = (error: Error) => {
    throw error;
  };
  const receiver = createPipeline(spec, {
    ...common,
    role: 'receiver',
    onOutbound: () => undefined,
    onInbound: () => {
      latencies.push(clock.now() - pushedAt[result.delivered]!);
      result.delivered++;
    },
    onError: fail,
  });
  const sharer = createPipeline(spec, {
    ...common,
    role: 'sharer',
    onOutbound: (message, channel) => {
      result.wireBytes += message.length;
      result.messages++;
      receiver.inbound.push(message, channel);
    },
    onInbound: () => undefined,
    onError: fail,
  });
  const first = timestampOf(recording.frames[0]!);
  const started = performance.now();
  for (const frame of recording.frames) {
    clock.advanceTo(timestampOf(frame) - first);
    pushedAt.push(clock.now());
    result.rawBytes += frame.length;
    sharer.outbound.push(frame);
  }
  await sharer.idle();
  await receiver.idle();
  clock.advance(60_000);
  await receiver.idle();
  const elapsedMs = performance.now() - started;
  return { ...result, elapsedMs, latencies };
}

function timestampOf(frame: Uint8Array): number {
  return new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getFloat64(4, true);
}

async function runAll(spec: string, recordings: Recording[]) {
  const total = {
    elapsedMs: 0,
    reports: 0,
    rawBytes: 0,
    wireBytes: 0,
    messages: 0,
    delivered: 0,
    latencies: [] as number[],
  };
  for (const recording of recordings) {
    const result = await run(spec, recording);
    total.elapsedMs += result.elapsedMs;
    total.reports += result.reports;
    total.rawBytes += result.rawBytes;
    total.wireBytes += result.wireBytes;
    total.messages += result.messages;
    total.delivered += result.delivered;
    if (result.delivered === result.reports) total.latencies.push(...result.latencies);
  }
  return total;
}

const SPECS = [
  '',
  'bundle(1ms)',
  'seq',
  'lz4',
  'deflate(impl=fflate)',
  'deflate(impl=stream)',
  'encrypt',
  'bundle(1ms),lz4,encrypt',
  'seq,bundle(1ms),lz4,encrypt',
  'input,bundle(1ms)',
  'coalesce(4ms)',
  'discard',
  'pace(20ms)',
];

export async function runPipelineBench(): Promise<BenchRow[]> {
  const recordings = loadRecordings();
  await runAll('bundle(1ms),lz4,encrypt', recordings.slice(0, 3)); // warm-up
  const rows: BenchRow[] = [];
  for (const spec of SPECS) {
    const total = await runAll(spec, recordings);
    const mean = total.latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, total.latencies.length);
    const worst = Math.max(0, ...total.latencies);
    const notes = [
      `wire ${(total.wireBytes / total.rawBytes).toFixed(3)}× raw`,
      `${total.messages} msgs / ${total.reports} reports`,
      latencyNote(spec, total.delivered === total.reports, mean, worst, total.delivered),
    ];
    rows.push({
      name: spec || '(empty)',
      nsPerReport: Math.round((total.elapsedMs * 1e6) / total.reports),
      note: notes.join('; '),
    });
  }
  const mouse = highRateMouse();
  for (const spec of [
    'bundle(1ms)',
    'coalesce(1ms),bundle(1ms)',
    'seq,bundle(1ms),lz4',
    'input,bundle(1ms)',
  ]) {
    const total = await runAll(spec, [mouse]);
    rows.push({
      name: `${spec} @8 kHz mouse`,
      nsPerReport: Math.round((total.elapsedMs * 1e6) / total.reports),
      note: `${total.messages} msgs / ${total.reports} reports; wire ${(total.wireBytes / total.rawBytes).toFixed(3)}× raw`,
    });
  }
  rows.push(...(await compressionByDevice(recordings)));
  return rows;
}

/** One second of a synthetic 8000 Hz mouse (the corpus has no such recording) on the M105 descriptor. */
function highRateMouse(): Recording {
  const body = JSON.parse(readFileSync(`${corpusDir}logitech-m105-mouse-usb.json`, 'utf8')) as {
    descriptor: string;
  };
  const codec = reportCodecFromModel(parseReportDescriptor(hex(body.descriptor)));
  const frames = Array.from({ length: 8000 }, (_, i) =>
    encodeInputReport(1, 0, i * 0.125, Uint8Array.of(i % 2000 < 1000 ? 0 : 1, (i % 5) - 2, 1, 0)),
  );
  return { name: 'synthetic-8khz-mouse', codec, frames };
}

/** Added latency is measured on the virtual clock, which async stages (WebCrypto, streams) do not advance. */
function latencyNote(
  spec: string,
  complete: boolean,
  mean: number,
  worst: number,
  delivered: number,
): string {
  if (!complete) return `${delivered} reports delivered (merged or dropped)`;
  if (spec.includes('encrypt') || spec.includes('stream'))
    return 'async: added latency not measurable on the virtual clock';
  return `latency +${mean.toFixed(2)} ms mean, ${worst.toFixed(2)} max`;
}

/** Bytes on the wire per device for the compression stages behind a 4 ms bundle. */
async function compressionByDevice(recordings: Recording[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const recording of recordings) {
    const ratios: string[] = [];
    for (const spec of ['bundle(4ms)', 'bundle(4ms),lz4', 'bundle(4ms),deflate(impl=fflate)']) {
      const result = await run(spec, recording);
      ratios.push(
        `${spec.replace('bundle(4ms)', 'b').replace('(impl=fflate)', '')} ${(result.wireBytes / result.rawBytes).toFixed(3)}`,
      );
    }
    rows.push({ name: `ratio ${recording.name}`, nsPerReport: 0, note: ratios.join(', ') });
  }
  return rows;
}

function printTable(rows: BenchRow[]): void {
  const width = Math.max(...rows.map((row) => row.name.length));
  console.log(`${'stage spec'.padEnd(width)}  ns/report  note`);
  for (const row of rows) {
    console.log(`${row.name.padEnd(width)}  ${String(row.nsPerReport).padStart(9)}  ${row.note ?? ''}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await runPipelineBench());
}
