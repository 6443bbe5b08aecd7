/**
 * Issue 13 through the network, not a killed process: a Node sharer in one network namespace streams a
 * corpus mouse (a button held, 100 reports/s) to the real `ferry receive` (log sink, --json) in the
 * other, through bench/impair's userspace wire (tests/e2e/impair-wire.test.ts checks the wire), with
 * the signaling server (`ferry serve`) on the receiver's side. The wire then drops everything for a
 * while, or the sharer is frozen with SIGSTOP. What must hold (docs/receiver.md, "When the link goes
 * down"): the device is never removed within the grace (one device line, no "removed"), the held
 * button is released while the sharer is unreachable (a neutral report is the last thing before the
 * network comes back), reports resume, and nothing stamped before the outage ended is delivered after
 * it (no burst of stale motion). Past --grace the device is removed and the run exits 5.
 *
 * Stale is judged by the reports' own stamps (the sharer's wall clock, the same clock as this process's
 * on one machine) against when the outage ended (tests/support/outage-judging.ts); no timing is
 * asserted.
 */
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createImpairedNet, type ImpairedNet } from '../../bench/impair/netns.ts';
import { serveInReceiverNs } from '../../bench/impair/serve.ts';
import { EXIT_CODES } from '../../src/receiver/receive.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { type NodeSharerProcess, startNodeSharer } from '../support/node-sharer.ts';
import { staleAfterOutage } from '../support/outage-judging.ts';

const MOUSE = 'genius-gila-mouse-if0';
const PORT = 47_113;

let net: ImpairedNet;
let serverUrl: string;
const cleanups: Array<() => unknown> = [];
const perTest: Array<() => unknown> = [];

interface Arrival {
  /** When this process read the line (ms, wall clock). */
  at: number;
  /** The report's stamp: the sharer's wall clock, or the receiver's for a neutral report. */
  t: number;
  data: string;
}

interface Stream {
  sharer: NodeSharerProcess;
  ferry: FerryProcess;
  seen: Arrival[];
}

/**
 * One `ferry serve` for the whole file, as a deployment has: it used to be one per test, because the
 * 40 s outage's new link then waited on the sharer's silently dead signaling socket for over 100 s in
 * 2 runs of 3; the signaling heartbeat (docs/signaling.md, "Heartbeat") is what makes one server do.
 */
beforeAll(async () => {
  net = await createImpairedNet();
  await net.set(2, 0);
  const { server, url } = await serveInReceiverNs(net, PORT);
  cleanups.push(() => server.child.kill('SIGKILL'));
  serverUrl = url;
});

afterEach(async () => {
  for (const cleanup of perTest.splice(0).reverse()) await cleanup();
  await net.outage(0);
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await net?.close();
});

/** A sharer holding a button behind the wire, and `ferry receive --json` streaming it. */
async function stream(args: string[] = []): Promise<Stream> {
  const sharer = startNodeSharer(serverUrl, { device: MOUSE, holdMs: 10, netns: net.sharerNs });
  perTest.push(() => sharer.child.kill('SIGKILL'));
  const ferry = startFerryReceive([await sharer.link, '--json', '--stats', '1', ...args], {
    netns: net.receiverNs,
  });
  perTest.push(() => ferry.child.kill('SIGKILL'));
  const seen: Arrival[] = [];
  createInterface({ input: ferry.child.stdout }).on('line', (line) => {
    const at = Date.now();
    const parsed = JSON.parse(line) as { type: string; t: number; data: string };
    if (parsed.type === 'input') seen.push({ at, t: parsed.t, data: parsed.data });
  });
  await expect.poll(() => seen.length, { timeout: 30_000 }).toBeGreaterThan(50);
  return { sharer, ferry, seen };
}

/** Whether the receiver said the link stalled (ICE disconnected): then it must have let go. */
const stalled = ({ ferry }: Stream) =>
  ferry.stderr.some((line) => /link stalled: no answer from the sharer; released 1 device/.test(line));
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const isNeutral = (arrival: Arrival) => /^0+$/.test(arrival.data);

/** Drops everything both ways for `ms`; resolves when it ends, with when it ended. */
async function outage(ms: number): Promise<number> {
  const start = Date.now();
  await net.outage(ms);
  await sleep(ms);
  return start + ms;
}

/**
 * The device outlived the outage that ended at `end`: kept, resumed, nothing stale delivered after it;
 * with `released`, the held button was let go while the sharer was unreachable.
 */
async function expectSurvived({ ferry, seen }: Stream, end: number, released: boolean): Promise<void> {
  await expect
    .poll(() => seen.filter((a) => a.at > end && !isNeutral(a)).length, { timeout: 60_000 })
    .toBeGreaterThan(50);
  const devices = ferry.stdout.filter((line) => (JSON.parse(line) as { type: string }).type === 'device');
  expect(devices).toHaveLength(1);
  expect(ferry.stderr.join('\n')).not.toMatch(/removed|gone:|connection lost/);
  // While the sharer was unreachable the held button was let go: the last report before the network
  // came back is a neutral one (the mouse's every report before it had the button down).
  const before = seen.filter((a) => a.at <= end);
  expect(before.filter((a) => !isNeutral(a)).length).toBeGreaterThan(50);
  if (released) expect(isNeutral(before.at(-1)!)).toBe(true);
  // No burst of stale motion: nothing stamped before the outage ended is delivered after it.
  const stale = staleAfterOutage(
    seen.filter((a) => a.at > end),
    end,
    (a) => a.t,
  );
  expect(stale).toEqual([]);
  expect(ferry.child.exitCode).toBeNull();
  ferry.child.kill('SIGINT');
  expect(await ferry.exited).toBe(EXIT_CODES.ended);
}

describe('ferry receive through an outage of the network', () => {
  it('a 3 s outage (shorter than ICE notices): the heartbeat calls it a stall, the button is released, the same link resumes', async () => {
    const run = await stream();
    const end = await outage(3000);
    await expect
      .poll(() => run.ferry.stderr.join('\n'), { timeout: 20_000 })
      .toMatch(/1 device\(s\), .* \d+ stale dropped/);
    // ICE says nothing within 3 s; the link heartbeat (a second of silence) does.
    expect(stalled(run)).toBe(true);
    await expectSurvived(run, end, true);
    const stderr = run.ferry.stderr.join('\n');
    expect(stderr).toMatch(/link answers again after \d+\.\d s \(stalled; outage 1\)/);
    expect(stderr).not.toMatch(/link down/);
  });

  it('an 8 s outage: the same link resumes with fresh reports; the stall releases the button', async () => {
    const run = await stream();
    const end = await outage(8000);
    expect(stalled(run)).toBe(true);
    await expectSurvived(run, end, true);
    expect(run.ferry.stderr.join('\n')).not.toMatch(/link down/);
  });

  it('a 40 s outage (beyond ICE failing): the link is remade and the kept device resumes', async () => {
    // The new link needs the sharer's signaling socket, silently dead through the outage: the
    // signaling heartbeat has both ends drop theirs and resume, within the default --grace.
    const run = await stream();
    const end = await outage(40_000);
    const stderr = () => run.ferry.stderr.join('\n');
    expect(stderr()).toMatch(/link down: .*keeping 1 device\(s\) for 60 s/);
    await expect.poll(stderr, { timeout: 100_000 }).toMatch(/resumed .*\(0458:0138\): the same device/);
    expect(stderr()).toMatch(/reconnected after \d+\.\d s \(outage 1\)/);
    await expectSurvived(run, end, true);
  }, 200_000);

  it('an outage past --grace: the device is removed and the run exits 5', async () => {
    const run = await stream(['--grace', '3']);
    await net.outage(60_000); // ended by afterEach
    expect(await run.ferry.exited).toBe(EXIT_CODES.gone);
    const stderr = run.ferry.stderr.join('\n');
    expect(stderr).toMatch(/link down: .*keeping 1 device\(s\) for 3 s/);
    expect(stderr).toMatch(/removed .*\(0458:0138\): no sharer brought it back within 3 s \(--grace\)/);
    expect(stderr).toMatch(/ferry: gone: the sharer did not come back within 3 s \(--grace\)/);
    expect(run.ferry.stdout.filter((line) => line.includes('"type":"device"'))).toHaveLength(1);
  });
});

describe('ferry receive while the sharer process is frozen', () => {
  it('SIGSTOP for 10 s, then SIGCONT: the device is kept and resumes with fresh reports', async () => {
    const run = await stream();
    run.sharer.child.kill('SIGSTOP');
    perTest.push(() => run.sharer.child.kill('SIGCONT'));
    await sleep(10_000);
    const end = Date.now();
    run.sharer.child.kill('SIGCONT');
    expect(stalled(run)).toBe(true);
    await expectSurvived(run, end, true);
  });
});
