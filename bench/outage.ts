/**
 * Surviving outages (issue 13, docs/performance.md): a Node sharer holding a button on a corpus mouse
 * (100 reports/s) in one network namespace, the real `ferry receive --json` in the other, joined by the
 * impairment wire (bench/impair/), the signaling server (`ferry serve`) on the receiver's side. The wire
 * drops everything for a while, again and again on the same run; for each outage: the time from the
 * network coming back to the first fresh report delivered (non-neutral, at most --fresh old), the
 * reports dropped as stale, how the receiver noticed (a stall, a link down), and whether the device
 * survived (one device line, no removal, the process still up). A bench never fails on a number.
 *
 *   npx tsx bench/outage.ts [--short MS] [--medium MS] [--long MS] [--count N]
 *   npm run bench -- --only outage [--quick]     (the runner's part: the same plan; --quick: one 3 s)
 *
 * Defaults: 3 s, 8 s (count each) and one 40 s outage (--long 0 skips it), --count 5. Bounded (each
 * outage waits at most 60 s for a fresh report) and self-cleaning (every process and both namespaces
 * go in a finally, whatever happened).
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFerryReceive } from '../tests/support/ferry-process.ts';
import { startNodeSharer } from '../tests/support/node-sharer.ts';
import { createImpairedNet, type ImpairedNet } from './impair/netns.ts';
import { serveInReceiverNs } from './impair/serve.ts';
import { describeMachine } from './machine.ts';
import { percentile, round } from './stats.ts';

const MOUSE = 'genius-gila-mouse-if0';
const PORT = 47_213;
const FRESH_MS = 100;

interface Arrival {
  at: number;
  t: number;
  neutral: boolean;
}

export interface OutageRow {
  outageMs: number;
  /** From the network back to the first fresh report delivered (ms); NaN: none within 60 s. */
  recoveryMs: number;
  staleDropped: number;
  /** Reports stamped more than 0.5 s before the outage ended and delivered after it (should be none). */
  staleDelivered: number;
  neutral: boolean;
  noticed: 'stall' | 'stall+down' | 'down' | 'backlog';
}

export interface OutagePlan {
  /** Outage lengths in ms, 0 for none: `count` short ones, `count` medium ones, then one long one. */
  shortMs: number;
  mediumMs: number;
  longMs: number;
  count: number;
}

export interface OutageResults {
  rows: OutageRow[];
  /** One device line, never removed, the process up after every outage. */
  survived: boolean;
}

/** The standalone defaults (docs/performance.md's table); `npm run bench --quick` runs one short outage. */
export const FULL_OUTAGE_PLAN: OutagePlan = { shortMs: 3000, mediumMs: 8000, longMs: 40_000, count: 5 };
export const QUICK_OUTAGE_PLAN: OutagePlan = { shortMs: 3000, mediumMs: 0, longMs: 0, count: 1 };

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function outagesOf({ shortMs, mediumMs, longMs, count }: OutagePlan): number[] {
  const times = (ms: number, n: number) => (ms > 0 ? Array.from({ length: n }, () => ms) : []);
  return [...times(shortMs, count), ...times(mediumMs, count), ...times(longMs, 1)];
}

/** Runs the plan on one share; needs root (it makes two network namespaces). */
export async function runOutage(outagePlan: OutagePlan): Promise<OutageResults> {
  const net = await createImpairedNet();
  const cleanups: Array<() => void> = [];
  try {
    return await outagesOnOneShare(net, outagesOf(outagePlan), cleanups);
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
    await net.close();
  }
}

/** How long the share may take to start, and the device to deliver its first reports. */
const START_TIMEOUT_MS = 60_000;

async function outagesOnOneShare(
  net: ImpairedNet,
  plan: number[],
  cleanups: Array<() => void>,
): Promise<OutageResults> {
  await net.set(2, 0);
  const { server, url } = await serveInReceiverNs(net, PORT);
  cleanups.push(() => server.child.kill('SIGKILL'));
  const sharer = startNodeSharer(url, {
    device: MOUSE,
    holdMs: 10,
    netns: net.sharerNs,
  });
  cleanups.push(() => sharer.child.kill('SIGKILL'));
  const ferry = startFerryReceive([await sharer.link, '--json', '--stats', '1'], { netns: net.receiverNs });
  cleanups.push(() => ferry.child.kill('SIGKILL'));
  const seen: Arrival[] = [];
  createInterface({ input: ferry.child.stdout }).on('line', (line) => {
    const at = Date.now();
    const parsed = JSON.parse(line) as { type: string; t: number; data: string };
    if (parsed.type === 'input') seen.push({ at, t: parsed.t, neutral: /^0+$/.test(parsed.data) });
  });
  const staleSoFar = () => {
    const lines = ferry.stderr.filter((line) => /stale dropped/.test(line));
    return Number(/(\d+) stale dropped/.exec(lines.at(-1) ?? '')?.[1] ?? 0);
  };
  const linesMatching = (pattern: RegExp) => ferry.stderr.filter((line) => pattern.test(line)).length;
  const startedAt = Date.now();
  while (seen.length < 100 && Date.now() - startedAt < START_TIMEOUT_MS) await sleep(100);
  if (seen.length < 100) throw new Error(`the share delivered ${seen.length} reports in 60 s`);
  await sleep(2000);

  const rows: OutageRow[] = [];
  for (const outageMs of plan) rows.push(await oneOutage(outageMs));
  const devices = ferry.stdout.filter((line) => line.includes('"type":"device"')).length;
  const survived =
    devices === 1 &&
    ferry.child.exitCode === null &&
    !ferry.stderr.some((line) => /removed|gone:/.test(line));
  // What the receiver said about its links, for a run that did not survive (a bench never hides why).
  if (!survived) for (const line of ferry.stderr) if (!/reports\/s/.test(line)) console.error(line);
  return { rows, survived };

  async function oneOutage(outageMs: number): Promise<OutageRow> {
    const staleBefore = staleSoFar();
    const stallsBefore = linesMatching(/link stalled/);
    const downsBefore = linesMatching(/link down/);
    const start = Date.now();
    await net.outage(outageMs);
    await sleep(outageMs);
    const end = start + outageMs;
    const fresh = (a: Arrival) => a.at > end && !a.neutral && a.at - a.t <= FRESH_MS;
    while (!seen.some(fresh) && Date.now() - end < 60_000) await sleep(5);
    const first = seen.find(fresh);
    await sleep(3000); // the stats line (every second) has counted the backlog
    const stalled = linesMatching(/link stalled/) > stallsBefore;
    const down = linesMatching(/link down/) > downsBefore;
    return {
      outageMs,
      recoveryMs: first ? first.at - end : Number.NaN,
      staleDropped: staleSoFar() - staleBefore,
      staleDelivered: seen.filter((a) => a.at > end && a.t < end - 500).length,
      neutral: seen.some((a) => a.neutral && a.at > start && a.at <= end),
      noticed: stalled && down ? 'stall+down' : stalled ? 'stall' : down ? 'down' : 'backlog',
    };
  }
}

/** The table docs/performance.md shows, one line per outage length, then whether the device survived. */
export function formatOutage({ rows, survived }: OutageResults): string[] {
  const lengths = [...new Set(rows.map((row) => row.outageMs))];
  const out = [
    'outage | n | recovery p50 ms | recovery p95 ms | stale dropped (per outage) | stale delivered | neutral | noticed',
  ];
  for (const ms of lengths) {
    const of = rows.filter((row) => row.outageMs === ms);
    const sorted = of.map((row) => row.recoveryMs).sort((a, b) => a - b);
    out.push(
      [
        `${ms / 1000} s`,
        of.length,
        round(percentile(sorted, 50), 0),
        round(percentile(sorted, 95), 0),
        of.map((row) => row.staleDropped).join(' '),
        of.reduce((sum, row) => sum + row.staleDelivered, 0),
        `${of.filter((row) => row.neutral).length}/${of.length}`,
        [...new Set(of.map((row) => row.noticed))].join(', '),
      ].join(' | '),
    );
  }
  out.push(`survived: ${survived ? `${rows.length}/${rows.length} outages on one device` : 'NO'}`);
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      short: { type: 'string', default: String(FULL_OUTAGE_PLAN.shortMs) },
      medium: { type: 'string', default: String(FULL_OUTAGE_PLAN.mediumMs) },
      long: { type: 'string', default: String(FULL_OUTAGE_PLAN.longMs) },
      count: { type: 'string', default: String(FULL_OUTAGE_PLAN.count) },
    },
  });
  const loadBefore = loadavg();
  const results = await runOutage({
    shortMs: Number(values.short),
    mediumMs: Number(values.medium),
    longMs: Number(values.long),
    count: Number(values.count),
  });
  const load = (v: number[]) => v.map((n) => n.toFixed(2)).join(' ');
  console.log(`# bench/outage.ts, ${new Date().toISOString()}`);
  console.log(`# ${describeMachine()}`);
  console.log(`# load average before ${load(loadBefore)}, after ${load(loadavg())}`);
  for (const line of formatOutage(results)) console.log(line);
  console.log(JSON.stringify(results));
  process.exit(0); // @roamhq/wrtc's threads can outlive the last peer connection
}
