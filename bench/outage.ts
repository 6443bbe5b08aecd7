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
 *
 * Defaults: 3 s, 8 s (count each) and one 40 s outage (--long 0 skips it), --count 5.
 */
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCommand, startFerryReceive } from '../tests/support/ferry-process.ts';
import { startNodeSharer } from '../tests/support/node-sharer.ts';
import { createImpairedNet, RECEIVER_ADDRESS } from './impair/netns.ts';
import { describeMachine } from './machine.ts';
import { percentile, round } from './stats.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../src/cli/bin.js');
const MOUSE = 'genius-gila-mouse-if0';
const PORT = 47_213;
const FRESH_MS = 100;

interface Arrival {
  at: number;
  t: number;
  neutral: boolean;
}

interface OutageRow {
  outageMs: number;
  /** From the network back to the first fresh report delivered (ms); NaN: none within 60 s. */
  recoveryMs: number;
  staleDropped: number;
  /** Reports stamped more than 0.5 s before the outage ended and delivered after it (should be none). */
  staleDelivered: number;
  neutral: boolean;
  noticed: 'stall' | 'stall+down' | 'down' | 'backlog';
}

const { values } = parseArgs({
  options: {
    short: { type: 'string', default: '3000' },
    medium: { type: 'string', default: '8000' },
    long: { type: 'string', default: '40000' },
    count: { type: 'string', default: '5' },
  },
});
const count = Number(values.count);
const plan = [
  ...Array.from({ length: count }, () => Number(values.short)),
  ...Array.from({ length: count }, () => Number(values.medium)),
  ...(Number(values.long) > 0 ? [Number(values.long)] : []),
];
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const net = await createImpairedNet();
  await net.set(2, 0);
  const server = startCommand('ip', [
    ...['netns', 'exec', net.receiverNs, process.execPath, BIN, 'serve'],
    ...['--host', RECEIVER_ADDRESS, '--port', String(PORT)],
  ]);
  await server.waitForLine((line) => line.startsWith('Ferry is running'));
  const sharer = startNodeSharer(`http://${RECEIVER_ADDRESS}:${PORT}`, {
    device: MOUSE,
    holdMs: 10,
    netns: net.sharerNs,
  });
  const ferry = startFerryReceive([await sharer.link, '--json', '--stats', '1'], { netns: net.receiverNs });
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
  while (seen.length < 100) await sleep(100);
  await sleep(2000);

  const rows: OutageRow[] = [];
  try {
    for (const outageMs of plan) rows.push(await oneOutage(outageMs));
  } finally {
    const devices = ferry.stdout.filter((line) => line.includes('"type":"device"')).length;
    const survived =
      devices === 1 &&
      ferry.child.exitCode === null &&
      !ferry.stderr.some((line) => /removed|gone:/.test(line));
    ferry.child.kill('SIGINT');
    sharer.child.kill('SIGKILL');
    server.child.kill('SIGKILL');
    await net.close();
    report(rows, survived, loadBefore);
  }

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

function report(rows: OutageRow[], survived: boolean, loadBefore: number[]): void {
  const lengths = [...new Set(rows.map((row) => row.outageMs))];
  console.log(`# bench/outage.ts, ${new Date().toISOString()}`);
  console.log(`# ${describeMachine()}`);
  console.log(
    `# load average before ${loadBefore.map((v) => v.toFixed(2)).join(' ')}, after ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    'outage | n | recovery p50 ms | recovery p95 ms | stale dropped (per outage) | stale delivered | neutral | noticed',
  );
  for (const ms of lengths) {
    const of = rows.filter((row) => row.outageMs === ms);
    const sorted = of.map((row) => row.recoveryMs).sort((a, b) => a - b);
    console.log(
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
  console.log(`survived: ${survived ? `${rows.length}/${rows.length} outages on one device` : 'NO'}`);
  console.log(JSON.stringify({ survived, rows }));
}

await main();
