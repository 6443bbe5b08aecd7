/**
 * The impaired part (issue 14): the configurations through the userspace impairment wire (bench/impair/)
 * — a fixed one-way delay with 0 %, 1 % and 5 % random loss, and a 2 s outage — measured side by side:
 * latency of delivered reports, lost reports, lost button edges, motion lost, stale deliveries. Node
 * sharer (own network namespace) → receivers (the other namespace, with the signaling server and relay),
 * 1000 reports/s of the 64-byte mouse of bench/impair/mouse.ts. A bench never fails on a number.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_PIPELINE, formatPipelineSpec, parsePipelineSpec } from '../src/pipeline/index.ts';
import { unreliablePipeline } from './endpoints.ts';
import { edgesIn } from './impair/mouse.ts';
import { createImpairedNet, type ImpairedNet, RECEIVER_ADDRESS, type WireStats } from './impair/netns.ts';
import type { ImpairedWindowResult } from './impair/recorder.ts';
import type { ImpairedRun } from './impair/sharer-child.ts';
import { ChildHandle } from './ipc.ts';
import { round, summarize } from './stats.ts';

const SHARER_CHILD = new URL('./impair/sharer-child.ts', import.meta.url).pathname;
const RECEIVER_CHILD = new URL('./impair/receiver-child.ts', import.meta.url).pathname;

export interface ImpairedConfig {
  name: string;
  kind: 'bare' | 'relay' | 'ferry';
  /** Ferry: the spec both ends run (undefined: the sessions' default). */
  pipeline?: string;
}

/** The spec of each Ferry pipeline worth comparing here; the default is whichever of them it is. */
export const RELIABLE_PIPELINE = 'bundle(1ms)';
export const INPUT_PIPELINE = 'input,bundle(1ms)';

const canonical = (spec: string) => formatPipelineSpec(parsePipelineSpec(spec));

/**
 * The four configurations of the loopback latency part, plus the reliable and the input pipelines
 * under their own names when the default is not that pipeline.
 */
/** NaN: the outage ended but no fresh report came before the window and its drain did. */
function recoveryNote(ms: number | undefined): string {
  if (ms === undefined) return '';
  return Number.isNaN(ms) ? ', not recovered in the window' : `, recovery ${ms} ms`;
}

export function impairedConfigs(): ImpairedConfig[] {
  const notDefault = (spec: string) => canonical(spec) !== canonical(DEFAULT_PIPELINE);
  const named = (name: string, pipeline: string): ImpairedConfig[] =>
    notDefault(pipeline) ? [{ name, kind: 'ferry', pipeline }] : [];
  return [
    { name: 'bare-datachannel', kind: 'bare' },
    { name: 'ferry-default', kind: 'ferry' },
    ...named('ferry-reliable', RELIABLE_PIPELINE),
    ...named('ferry-input', INPUT_PIPELINE),
    { name: 'ferry-unreliable', kind: 'ferry', pipeline: unreliablePipeline() },
    { name: 'websocket-relay', kind: 'relay' },
  ];
}

export interface ImpairedScenario {
  name: string;
  delayMs: number;
  loss: number;
  /** An outage of this many ms, `outageAtMs` into the window. */
  outageMs?: number;
  outageAtMs?: number;
}

export interface ImpairedOptions {
  rateHz: number;
  /** Per configuration and loss scenario, split into `rounds` windows taken in turn. */
  durationMs: number;
  rounds: number;
  delayMs: number;
  losses: readonly number[];
  outageMs: number;
  /** The outage window's length; the outage starts a third of the way in. */
  outageWindowMs: number;
  /** Only these configurations (by name); all when absent. */
  configs?: readonly string[];
}

export interface ImpairedRow {
  config: string;
  pipeline: string;
  scenario: string;
  delayMs: number;
  loss: number;
  outageMs: number;
  sent: number;
  delivered: number;
  /** Reports never delivered (by sequence number). */
  lost: number;
  edges: number;
  lostEdges: number;
  /** ΣX sent − ΣX delivered: relative motion that never reached the receiver. */
  lostMotion: number;
  /** regressed + tooOld. */
  stale: number;
  /** Delivered after a newer report had been. */
  regressed: number;
  /** Older than the delay + 50 ms on arrival. */
  tooOld: number;
  p50_ms: number;
  p99_ms: number;
  p999_ms: number;
  max_ms: number;
  /** p99 of the reports that carried a button change. */
  edge_p99_ms: number;
  /** Outage rows: from the end of the outage to the first report delivered within delay + 10 ms. */
  recovery_ms?: number;
  /** Frames the wire dropped at random or in the outage, sharer → receiver. */
  wireDropped: number;
}

export interface ImpairedResults {
  configs: ImpairedConfig[];
  rows: ImpairedRow[];
  absent: { config: string; absent: string }[];
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const now = () => performance.timeOrigin + performance.now();

interface Connected {
  config: ImpairedConfig;
  pipeline: string;
}

class ImpairedRunner {
  private nextTag = 1;
  private readonly nextSeq = new Map<string, number>();

  constructor(
    readonly net: ImpairedNet,
    readonly sharer: ChildHandle,
    readonly receiver: ChildHandle,
    readonly rateHz: number,
  ) {}

  async connect(
    config: ImpairedConfig,
    services: { signalUrl: string; relayUrl: string },
  ): Promise<Connected> {
    const { sharer, receiver } = this;
    const name = config.name;
    if (config.kind === 'bare') {
      const offer = await sharer.request<string>('bareOffer', { config: name });
      const answer = await receiver.request<string>('bare', { offer });
      await sharer.request('bareAccept', { config: name, answer });
      return { config, pipeline: '' };
    }
    if (config.kind === 'relay') {
      await receiver.request('relay', { url: `${services.relayUrl}/receiver` });
      await sharer.request('relay', { config: name, url: `${services.relayUrl}/sharer` });
      return { config, pipeline: '' };
    }
    const secret = randomBytes(16).toString('base64url');
    const pipeline = config.pipeline === undefined ? {} : { pipeline: config.pipeline };
    const sessionId = await sharer.request<string>(
      'ferry',
      { config: name, signalUrl: services.signalUrl, secret, ...pipeline },
      30_000,
    );
    await receiver.request(
      'ferry',
      { config: name, signalUrl: services.signalUrl, sessionId, secret, ...pipeline },
      30_000,
    );
    const agreed = await sharer.request<string>('ready', { config: name }, 30_000);
    const end = Date.now() + 20_000;
    while ((await receiver.request<number>('devices', { config: name })) < 1) {
      if (Date.now() > end) throw new Error(`${name}: the mouse was never announced`);
      await sleep(50);
    }
    return { config, pipeline: agreed };
  }

  /** One window: `count` reports at the rate, with an outage inside when the scenario has one. */
  async window(connected: Connected, scenario: ImpairedScenario, count: number) {
    const name = connected.config.name;
    const tag = this.nextTag++;
    const firstSeq = this.nextSeq.get(name) ?? 0;
    this.nextSeq.set(name, firstSeq + count);
    await this.receiver.request('start', { tag, firstSeq, count, delayMs: scenario.delayMs });
    const before = await this.net.stats();
    const run: ImpairedRun = { config: name, tag, firstSeq, count, rateHz: this.rateHz };
    const windowMs = (count / this.rateHz) * 1000;
    const sent = this.sharer.request<{ sent: number }>('run', run, windowMs + 30_000);
    let outageEnd: number | undefined;
    if (scenario.outageMs) {
      await sleep(scenario.outageAtMs ?? 0);
      await this.net.outage(scenario.outageMs);
      outageEnd = now() + scenario.outageMs;
    }
    await sent;
    await this.drain(count, scenario.outageMs ? 4000 : 1500);
    const result = await this.receiver.request<ImpairedWindowResult>('stop');
    await this.settle();
    const after = await this.net.stats();
    return { result, count, outageEnd, wire: dropped(before, after) };
  }

  /** Until everything arrived, or nothing has for `quietMs` (bounded at 20 s). */
  private async drain(expected: number, quietMs: number): Promise<void> {
    const end = Date.now() + 20_000;
    let last = -1;
    let lastChange = Date.now();
    while (Date.now() < end) {
      const count = await this.receiver.request<number>('count');
      if (count >= expected) return;
      if (count !== last) {
        last = count;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > quietMs) return;
      await sleep(50);
    }
  }

  /** Lets whatever is still in flight land before the next window (it is counted for nobody). */
  private async settle(quietMs = 500, maxMs = 10_000): Promise<void> {
    const end = Date.now() + maxMs;
    let last = await this.receiver.request<number>('total');
    let lastChange = Date.now();
    while (Date.now() < end && Date.now() - lastChange < quietMs) {
      await sleep(100);
      const total = await this.receiver.request<number>('total');
      if (total !== last) {
        last = total;
        lastChange = Date.now();
      }
    }
  }
}

function dropped(before: WireStats, after: WireStats): number {
  const a = before['a-b'];
  const b = after['a-b'];
  return b.lost - a.lost + (b.outage - a.outage) + (b.overflow - a.overflow);
}

type Window = Awaited<ReturnType<ImpairedRunner['window']>>;

function rowOf(connected: Connected, scenario: ImpairedScenario, windows: Window[]): ImpairedRow {
  const sum = (pick: (w: Window) => number) => windows.reduce((total, w) => total + pick(w), 0);
  const latencies = windows.flatMap((w) => [...w.result.latencies]);
  const stats = summarize(latencies);
  const edgeStats = summarize(windows.flatMap((w) => [...w.result.edgeLatencies]));
  const edges = sum((w) => edgesIn(w.count));
  const regressed = sum((w) => w.result.regressed);
  const tooOld = sum((w) => w.result.tooOld);
  const row: ImpairedRow = {
    config: connected.config.name,
    pipeline: connected.pipeline,
    scenario: scenario.name,
    delayMs: scenario.delayMs,
    loss: scenario.loss,
    outageMs: scenario.outageMs ?? 0,
    sent: sum((w) => w.count),
    delivered: sum((w) => w.result.delivered),
    lost: sum((w) => w.count - w.result.distinct),
    edges,
    lostEdges: Math.max(0, edges - sum((w) => w.result.edges)),
    lostMotion: sum((w) => w.count - w.result.motionX),
    stale: regressed + tooOld,
    regressed,
    tooOld,
    p50_ms: round(stats.p50, 1),
    p99_ms: round(stats.p99, 1),
    p999_ms: round(stats.p999, 1),
    max_ms: round(stats.max, 1),
    edge_p99_ms: round(edgeStats.p99, 1),
    wireDropped: sum((w) => w.wire),
  };
  const recoveries = windows.map((w) => recovery(w, scenario.delayMs)).filter((ms) => ms !== undefined);
  if (scenario.outageMs) row.recovery_ms = recoveries.length ? round(Math.max(...recoveries), 0) : Number.NaN;
  return row;
}

/** Time from the outage's end to the first report that arrived fresh (within the delay + 10 ms). */
function recovery(window: Window, delayMs: number): number | undefined {
  const { outageEnd, result } = window;
  if (outageEnd === undefined) return undefined;
  for (let i = 0; i < result.arrivals.length; i++) {
    if (result.arrivals[i]! >= outageEnd && result.latencies[i]! <= delayMs + 10) {
      return result.arrivals[i]! - outageEnd;
    }
  }
  return undefined;
}

export async function runImpaired(options: ImpairedOptions): Promise<ImpairedResults> {
  const net = await createImpairedNet();
  const sharer = ChildHandle.start(SHARER_CHILD, [], { netns: net.sharerNs });
  const receiver = ChildHandle.start(RECEIVER_CHILD, [], { netns: net.receiverNs });
  const configs = impairedConfigs().filter((c) => !options.configs || options.configs.includes(c.name));
  const absent: ImpairedResults['absent'] = [];
  try {
    await net.set(options.delayMs, 0);
    const services = await receiver.request<{ signalUrl: string; relayUrl: string }>('services', {
      host: RECEIVER_ADDRESS,
    });
    const runner = new ImpairedRunner(net, sharer, receiver, options.rateHz);
    const connected: Connected[] = [];
    for (const config of configs) {
      try {
        connected.push(await runner.connect(config, services));
      } catch (error) {
        absent.push({
          config: config.name,
          absent: `could not connect: ${error instanceof Error ? error.message : error}`,
        });
      }
    }
    const clean: ImpairedScenario = { name: 'warm-up', delayMs: options.delayMs, loss: 0 };
    for (const c of connected) await runner.window(c, clean, Math.round(options.rateHz / 2));
    const scenarios: ImpairedScenario[] = [
      ...options.losses.map((loss) => ({
        name: `${round(loss * 100, 1)} %`,
        delayMs: options.delayMs,
        loss,
      })),
      {
        name: `outage ${options.outageMs / 1000} s`,
        delayMs: options.delayMs,
        loss: 0,
        outageMs: options.outageMs,
        outageAtMs: Math.round(options.outageWindowMs / 3),
      },
    ];
    const rows: ImpairedRow[] = [];
    for (const [index, scenario] of scenarios.entries()) {
      await net.set(scenario.delayMs, scenario.loss, index + 1);
      const outage = scenario.outageMs !== undefined;
      const rounds = outage ? 1 : options.rounds;
      const count = Math.round(
        ((outage ? options.outageWindowMs : options.durationMs / rounds) * options.rateHz) / 1000,
      );
      const windows = new Map<Connected, Window[]>(connected.map((c) => [c, []]));
      for (let r = 0; r < rounds; r++) {
        for (const c of connected) windows.get(c)?.push(await runner.window(c, scenario, count));
      }
      for (const c of connected) {
        const row = rowOf(c, scenario, windows.get(c) ?? []);
        rows.push(row);
        console.error(
          `  ${row.config} ${row.scenario}: p50 ${row.p50_ms} p99 ${row.p99_ms} ms, lost ${row.lost}/${row.sent}, ` +
            `edges lost ${row.lostEdges}/${row.edges}, stale ${row.stale}` +
            recoveryNote(row.recovery_ms),
        );
      }
    }
    return { configs, rows, absent };
  } finally {
    await sharer.request('close').catch(() => undefined);
    await receiver.request('close').catch(() => undefined);
    await Promise.all([sharer.stop(), receiver.stop()]);
    await net.close();
  }
}
