/**
 * `npm run bench` — latency, throughput, scale and stage costs of Ferry beside a bare data channel and a
 * WebSocket relay, on loopback with real headless Chromium as the sharer (docs/performance.md).
 *   --quick        a short version for CI (< 1 min); writes bench/out/
 *   --only <part>  latency | throughput | scale | stacks | usb | impaired | outage | pipeline | hid | receiver-page
 *   --cpu-prof     receiver children write V8 CPU profiles to bench/out/prof/
 *   --usb-pipeline <spec>  the usb part's `ferry` row runs this pipeline (e.g. 'bundle(max=32768)')
 *   --usb-in-flight 4,16   the usb part's bulk depths (default 1,4,16); --usb-rounds N its alternating rounds
 *   --usb-paths a,b        the usb part measures only these paths (e.g. ferry,bare-datachannel)
 *   --child-flags '<node flags>'  extra node flags for the bench's child processes (e.g. '--trace-gc')
 *   --usb-round-ms N       each bulk row's time per round (default 2000; 500 with --quick)
 *   --configs a,b  the impaired and latency parts measure only these configurations (e.g. ferry-input,ferry-reliable)
 *   --latency-rates 8000   the latency part's rates (default 125,1000,8000)
 *   --load N       N busy child processes (nice 0) spin beside the run and stop after it: a defined load
 * The full run writes bench/results.json and bench/latency.svg. A bench never fails on a number.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createFerryServer } from '../signaling/index.ts';
import { runHidBench } from './hid.ts';
import { runImpaired } from './impaired.ts';
import { runLatency } from './latency.ts';
import { startLoad } from './load.ts';
import { describeMachine } from './machine.ts';
import { FULL_OUTAGE_PLAN, QUICK_OUTAGE_PLAN, runOutage } from './outage.ts';
import { runPipelineBench } from './pipeline.ts';
import { runReceiverPage } from './receiver-page.ts';
import { formatResults } from './report.ts';
import type { Results } from './results.ts';
import { runScale } from './scale.ts';
import { startServices } from './services.ts';
import { latencySvg } from './svg.ts';
import { runThroughput } from './throughput.ts';
import type { UsbPath } from './usb/receiver-child.ts';
import { runUsb } from './usb.ts';
import { runWebrtcStackBench } from './webrtc-stacks.ts';

const PARTS = [
  'latency',
  'throughput',
  'scale',
  'stacks',
  'usb',
  'impaired',
  'outage',
  'pipeline',
  'hid',
  'receiver-page',
] as const;
type Part = (typeof PARTS)[number];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] as Part | undefined) : undefined;
if (only !== undefined && !PARTS.includes(only)) throw new Error(`--only takes one of ${PARTS.join(', ')}`);
/** --quick leaves out the stage micro-benchmarks (≈ 35 s together); `--only pipeline` / `--only hid` run them. */
const wants = (part: Part) =>
  only === undefined ? !(quick && (part === 'pipeline' || part === 'hid')) : only === part;
const outDir = new URL(quick || only ? './out/' : './', import.meta.url);
const profDir = new URL('./out/prof/', import.meta.url).pathname;
const configsAt = args.indexOf('--configs');
const configs = configsAt >= 0 ? args[configsAt + 1]?.split(',') : undefined;
const usbPipelineAt = args.indexOf('--usb-pipeline');
/** The usb part's `ferry` row runs this pipeline instead of the default (an experiment). */
const usbPipeline = usbPipelineAt >= 0 ? args[usbPipelineAt + 1] : undefined;
const listArg = (flag: string) => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1]?.split(',') : undefined;
};
const usbInFlight = listArg('--usb-in-flight')?.map(Number);
const latencyRates = listArg('--latency-rates')?.map(Number);
const usbRounds = listArg('--usb-rounds')?.map(Number)[0];
const usbPaths = listArg('--usb-paths') as UsbPath[] | undefined;
const usbRoundMs = listArg('--usb-round-ms')?.map(Number)[0];
const addedLoad = listArg('--load')?.map(Number)[0] ?? 0;
const childFlags = args.indexOf('--child-flags');
const receiverArgv = [
  ...(args.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
  ...(childFlags >= 0 ? (args[childFlags + 1] ?? '').split(' ').filter(Boolean) : []),
];

const plan = quick
  ? {
      rates: [125, 1000, 8000],
      latencyMs: 1000,
      rounds: 1,
      small: [16000],
      large: [1000],
      throughputMs: 1000,
      scale: [1, 10],
      scaleMs: 1000,
      echo: 200,
      bulkMs: 300,
      usb: { bulkMs: 1000, controlCount: 200, rounds: 1, inFlight: [4] },
      impaired: { durationMs: 1000, rounds: 1, losses: [0.05], outageWindowMs: 4000 },
      outage: QUICK_OUTAGE_PLAN,
      receiverPageSeconds: 2,
    }
  : {
      rates: [125, 1000, 8000],
      latencyMs: 10_000,
      rounds: 5,
      small: [8000, 16000, 32000],
      large: [1000, 2000, 4000],
      throughputMs: 3000,
      scale: [1, 10, 100],
      scaleMs: 10_000,
      echo: 2000,
      bulkMs: 2000,
      usb: { bulkMs: 4000, controlCount: 2000, rounds: 2, inFlight: [1, 4, 16] },
      impaired: { durationMs: 10_000, rounds: 2, losses: [0, 0.01, 0.05], outageWindowMs: 6000 },
      outage: FULL_OUTAGE_PLAN,
      receiverPageSeconds: 10,
    };

const results: Results = {
  date: new Date().toISOString(),
  machine: describeMachine(),
  loadAverage: { start: loadavg()[0] ?? 0, end: 0 },
  addedLoad,
  mode: quick ? 'quick' : 'full',
  clock: [],
  latency: [],
  absent: [],
  throughput: [],
  scale: [],
  pipeline: [],
  hid: [],
  webrtcStacks: [],
  usb: { pipelines: {}, bulk: [], control: [] },
  impaired: { configs: [], rows: [], absent: [] },
  receiverPage: [],
  durations: {},
};

async function timed(part: Part, body: () => Promise<void>): Promise<void> {
  if (!wants(part)) return;
  console.error(`${part}…`);
  const started = performance.now();
  try {
    await body();
  } catch (error) {
    // A broken part is reported, and the others still run.
    console.error(`${part} failed: ${error instanceof Error ? error.stack : error}`);
  }
  results.durations[part] = Number(((performance.now() - started) / 1000).toFixed(1));
}

const started = performance.now();
const load = startLoad(addedLoad);
mkdirSync(outDir, { recursive: true });
if (receiverArgv.length) mkdirSync(profDir, { recursive: true });
let svg: string | undefined;
if (wants('latency') || wants('throughput') || wants('scale')) {
  const services = await startServices(receiverArgv);
  try {
    await timed('latency', async () => {
      const latency = await runLatency(services, {
        rates: latencyRates ?? plan.rates,
        durationMs: plan.latencyMs,
        rounds: plan.rounds,
        configs,
      });
      Object.assign(results, { latency: latency.rows, absent: latency.absent, clock: latency.clock });
      svg = latencySvg(latency.samples, plan.rates, `Ferry bench latency CDFs, ${results.date}`);
    });
    await timed('throughput', async () => {
      results.throughput = await runThroughput(services, {
        smallRates: plan.small,
        largeRates: plan.large,
        durationMs: plan.throughputMs,
      });
    });
    await timed('scale', async () => {
      results.scale = await runScale(services.signalUrl, plan.scale, plan.scaleMs);
    });
  } finally {
    await services.close();
  }
}
await timed('stacks', async () => {
  results.webrtcStacks = await runWebrtcStackBench({ echoCount: plan.echo, bulkMs: plan.bulkMs });
});
await timed('usb', async () => {
  // Node to Node (no Chromium): its own signaling server, so `--only usb` starts nothing else.
  const server = await createFerryServer({ port: 0 });
  try {
    results.usb = await runUsb(
      `${server.url.replace('http', 'ws')}/signal`,
      {
        ...plan.usb,
        transferBytes: 16 * 1024,
        controlBytes: 64,
        ferryPipeline: usbPipeline,
        ...(usbInFlight ? { inFlight: usbInFlight } : {}),
        // bulkMs is per round: more rounds, more time (the bench's rounds split a fixed time).
        ...(usbRounds || usbRoundMs
          ? {
              rounds: usbRounds ?? plan.usb.rounds,
              bulkMs: (usbRoundMs ?? plan.usb.bulkMs / plan.usb.rounds) * (usbRounds ?? plan.usb.rounds),
            }
          : {}),
        ...(usbPaths ? { paths: usbPaths } : {}),
      },
      receiverArgv,
    );
  } finally {
    await server.close();
  }
});
await timed('impaired', async () => {
  // Node to Node through the impairment wire, in two network namespaces of its own (bench/impair/).
  results.impaired = await runImpaired({
    ...plan.impaired,
    rateHz: 1000,
    delayMs: 25,
    outageMs: 2000,
    ...(configs ? { configs } : {}),
  });
});
await timed('outage', async () => {
  // Issue 13: one share through the wire, the network dropped again and again (bench/outage.ts).
  results.outage = await runOutage(plan.outage);
});
await timed('receiver-page', async () => {
  // The real app from dist/ (npm run build first), its receiver page fed at 1 kHz by a Node sharer.
  results.receiverPage = await runReceiverPage({ rateHz: 1000, seconds: plan.receiverPageSeconds });
});
await timed('pipeline', async () => {
  results.pipeline = await runPipelineBench();
});
await timed('hid', async () => {
  results.hid = await runHidBench();
});
results.loadAverage.end = loadavg()[0] ?? 0;
load.stop();
results.durations.total = Number(((performance.now() - started) / 1000).toFixed(1));

writeFileSync(new URL('results.json', outDir), `${JSON.stringify(results, null, 2)}\n`);
if (svg) writeFileSync(new URL('latency.svg', outDir), svg);
console.log(formatResults(results));
console.log(`\nwrote ${new URL('results.json', outDir).pathname}${svg ? ' and latency.svg' : ''}`);
process.exit(0); // @roamhq/wrtc's threads can outlive the last peer connection
