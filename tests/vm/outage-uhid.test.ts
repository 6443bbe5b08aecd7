/**
 * Issue 13 in a real kernel, through the network: a Node sharer on the host (tests/support/
 * node-sharer-main.ts --stamp: the corpus Genius mouse, its left button held, moving by its own send
 * time) streams to `ferry receive --sink uhid` INSIDE the guest, over WebRTC through QEMU's user
 * networking; one hidraw reader stays open in the guest, and busybox's uevent listener records what
 * udev would see. The guest's eth0 then goes dark both ways (tests/vm/guest-network.ts: netem loss
 * 100% out, a matchall drop in), for 5 s and then for 40 s. What must hold (docs/receiver.md, "When the
 * link goes down"): the same /dev/hidrawN and sysfs device before and after, no `remove` uevent, reports
 * resume, the held button is let go while the link is down (a neutral report is the last thing read
 * before the network comes back), and nothing the sharer sent before the outage ended is delivered
 * after it (tests/support/outage-judging.ts). Then an outage past --grace: the uhid device is destroyed
 * (a `remove` uevent for the node), and `ferry receive` exits 5 and says why.
 *
 * The reader's output gets marker lines from the same guest command that cuts or restores the network
 * (both append), so the order in its file says what was read before, during and after each outage
 * without comparing clocks. No timing is asserted; the times printed are what this run measured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { parseReportDescriptor } from '../../src/hid/index.ts';
import { EXIT_CODES } from '../../src/receiver/receive.ts';
import { hexToBytes, loadCorpusDevice } from '../support/corpus.ts';
import { type NodeSharerProcess, startNodeSharer } from '../support/node-sharer.ts';
import { STALE_SLACK_MS, staleAfterOutage } from '../support/outage-judging.ts';
import { stampOf } from '../support/stamped-motion.ts';
import { GuestFerry } from './guest-ferry.ts';
import { GuestHidraw } from './guest-hidraw.ts';
import { cutGuestNetwork, prepareGuestOutages, restoreGuestNetwork } from './guest-network.ts';
import { GuestUevents } from './guest-uevents.ts';
import { ensureStaticHelper, startVm, type Vm } from './harness.ts';

const MOUSE = 'genius-gila-mouse-if0';
// A neutral pid.codes id keeps the mouse on hid-generic (no vendor driver rewrites its reports).
const IDS = '1209:0001';
const STAMP_EVERY_MS = 50;
const READ_FILE = '/tmp/outage-read.txt';
const NEUTRAL = '0100000000000000';
/** Reports read after an outage for it to count as resumed. */
const RESUMED = 40;

const model = parseReportDescriptor(loadCorpusDevice(MOUSE).descriptor);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

let vm: Vm;
let probe: string;
let server: FerryServer;
let hidraw: GuestHidraw;
let ferry: GuestFerry;
let uevents: GuestUevents;
const sharers: NodeSharerProcess[] = [];

beforeAll(async () => {
  probe = await ensureStaticHelper('hidraw-probe');
  server = await createFerryServer({ port: 0 });
  vm = await startVm();
  hidraw = new GuestHidraw(vm, probe);
  ferry = new GuestFerry(vm, hidraw);
  uevents = new GuestUevents(vm);
  await prepareGuestOutages(vm);
  await syncGuestClock();
  await uevents.start();
}, 300_000);

afterAll(async () => {
  for (const sharer of sharers) sharer.child.kill('SIGKILL');
  await vm?.stop();
  await server?.close();
});

/**
 * The receiver judges freshness by its clock against the sharer's stamps, which holds on one machine
 * and across two as far as NTP does; the guest's clock starts from the RTC (whole seconds), so it is set
 * from the host's as NTP would. The skew found is printed.
 */
async function syncGuestClock(): Promise<void> {
  const before = Date.now();
  const guest = Number((await vm.runOk('date +%s%3N')).trim());
  console.info(`[vm] outage-uhid: guest clock ${guest - (before + Date.now()) / 2} ms off the host's; set`);
  await vm.runOk(`date -s @${(Date.now() / 1000).toFixed(3)} >/dev/null`);
}

function sharer(): NodeSharerProcess {
  const url = `http://localhost:${server.port}`;
  const started = startNodeSharer(url, { device: MOUSE, ids: IDS, stampMs: STAMP_EVERY_MS });
  sharers.push(started);
  return started;
}

/** One line of the reader's file: a report read (hex, id first), or a marker the test appended. */
type Line = { report: string } | { mark: string };

async function readLines(): Promise<Line[]> {
  const text = await vm.runOk(`cat ${READ_FILE}`);
  return text
    .split('\n')
    .filter((line) => line !== '' && line !== 'ready')
    .map((line) => (line.startsWith('mark ') ? { mark: line.slice(5) } : { report: line }));
}

/** The reports between two markers (undefined: the start, or the end, of the file). */
function between(lines: Line[], from: string | undefined, to: string | undefined): string[] {
  const at = (mark: string | undefined, otherwise: number) => {
    const index = lines.findIndex((line) => 'mark' in line && line.mark === mark);
    return mark === undefined || index < 0 ? otherwise : index;
  };
  return lines
    .slice(at(from, -1) + 1, at(to, lines.length))
    .flatMap((line) => ('report' in line ? [line.report] : []));
}

/** The sharer's send time stamped into a report read from hidraw (undefined for a neutral one). */
function sentAt(hex: string, nearMs: number): number | undefined {
  const bytes = hexToBytes(hex);
  return bytes[0] === 1 ? stampOf(model, 1, bytes.subarray(1), nearMs) : undefined;
}

async function startReader(node: string): Promise<void> {
  await vm.runOk(
    `rm -f ${READ_FILE}; setsid sh -c '${probe} read ${node} 1000000 1800000 >> ${READ_FILE} 2>&1' ` +
      '</dev/null >/dev/null 2>&1 &',
  );
  await expect
    .poll(async () => between(await readLines(), undefined, undefined).length, {
      timeout: 60_000,
      interval: 1000,
    })
    .toBeGreaterThan(RESUMED);
}

const linkLost = (lines: string[]) => lines.filter((line) => /link (stalled|down)/.test(line)).length;

interface Outage {
  name: string;
  /** When the network came back (host clock, just before the restore). */
  end: number;
  /** Whether the receiver had said, by then, that the link stalled or went down. */
  noticed: boolean;
}

/** Cuts the guest's network for `ms`, marking the reader's file; returns once it is back. */
async function outage(name: string, ms: number): Promise<Outage> {
  const lostBefore = linkLost(await ferry.stderr());
  await cutGuestNetwork(vm, `echo 'mark cut ${name}' >> ${READ_FILE}`);
  await sleep(ms);
  const end = Date.now();
  const stderr = await restoreGuestNetwork(
    vm,
    `cat /tmp/ferry.err; echo 'mark restored ${name}' >> ${READ_FILE}`,
  );
  const noticed = linkLost(stderr.split('\n')) > lostBefore;
  return { name, end, noticed };
}

/** The button was let go during the outage; reports resumed after it, none of them stale. */
async function expectSurvived({ name, end, noticed }: Outage): Promise<void> {
  await expect
    .poll(async () => between(await readLines(), `restored ${name}`, undefined).length, {
      timeout: 150_000,
      interval: 1000,
    })
    .toBeGreaterThan(RESUMED);
  const lines = await readLines();
  const during = between(lines, `cut ${name}`, `restored ${name}`);
  const after = between(lines, `restored ${name}`, undefined);
  const fresh = after
    .map((hex) => sentAt(hex, end))
    .find((t) => t !== undefined && t >= end - STALE_SLACK_MS);
  console.info(
    `[vm] outage-uhid ${name}: noticed ${noticed}; read during it: ${during.join(' ') || 'nothing'}; ` +
      `the first fresh report after it was sent ${fresh === undefined ? '?' : fresh - end} ms after ` +
      'the network came back',
  );
  expect(between(lines, undefined, `cut ${name}`).some((hex) => hex !== NEUTRAL)).toBe(true);
  // The receiver noticed the sharer was unreachable (a stall or the link down: with a link heartbeat,
  // within a second or two; ICE alone may take longer than 5 s), and the held button was let go: the
  // last report read before the network came back is the neutral one (every report the sharer sends
  // has the button down).
  expect(noticed).toBe(true);
  expect(during.at(-1)).toBe(NEUTRAL);
  // No burst of stale motion: nothing the sharer sent before the outage ended is delivered after it.
  expect(staleAfterOutage(after, end, (hex) => sentAt(hex, end))).toEqual([]);
  expect(after.filter((hex) => hex !== NEUTRAL).length).toBeGreaterThan(RESUMED / 2);
}

async function sysfsDevice(node: string): Promise<string> {
  return (await vm.runOk(`readlink -f /sys/class/hidraw/${node.replace('/dev/', '')}/device`)).trim();
}

/** What the guest's receiver said and what its sockets look like, for a failure's log. */
async function printDiagnostics(): Promise<void> {
  const sockets = await vm.run('ss -tnuoi', { timeoutMs: 10_000 });
  const tail = await vm.run(`tail -5 ${READ_FILE}`, { timeoutMs: 10_000 });
  console.info(
    `[vm] outage-uhid failed; ferry in the guest said:\n${(await ferry.stderr()).join('\n')}\n` +
      `guest sockets:\n${sockets.stdout}${sockets.stderr}\nreader:\n${tail.stdout}\n` +
      sharers.map((s) => `sharer (exit ${s.child.exitCode}):\n${s.stderr.join('\n')}`).join('\n'),
  );
}

describe('a kept uhid device in a guest kernel through outages of the guest network', () => {
  it('5 s and 40 s outages mid-stream: the same hidraw node, no remove uevent, released, resumed fresh', {
    timeout: 600_000,
  }, async () => {
    const link = await sharer().link;
    // A longer grace than the default: after 40 s the new link waits for the guest's signaling socket,
    // a TCP connection that backed off during the outage (docs/receiver.md).
    const node = await ferry.start(link, server.port, ['--grace', '150', '--stats', '5']);
    try {
      const device = await sysfsDevice(node);
      await startReader(node);
      await uevents.clear();

      const short = await outage('5s', 5_000);
      await expectSurvived(short);
      const long = await outage('40s', 40_000);
      await expectSurvived(long);

      expect((await vm.runOk('ls /dev/hidraw*')).trim()).toBe(node);
      expect(await sysfsDevice(node)).toBe(device);
      const events = await uevents.events();
      expect(events.filter(({ action }) => action === 'remove')).toEqual([]);
      const stderr = await ferry.stderr();
      console.info(`[vm] outage-uhid: ${node} (${device}); ferry in the guest said:\n${stderr.join('\n')}`);
      expect(stderr.join('\n')).not.toMatch(/removed|gone:|connection lost/);
      expect(stderr.join('\n')).toMatch(/resumed .*\(1209:0001\): the same device, kept on this machine/);
      await ferry.interrupt();
      expect(await ferry.exitCode(30)).toBe(EXIT_CODES.ended);
      expect(await hidraw.waitGone(node)).toBe(true);
    } catch (error) {
      await printDiagnostics();
      throw error;
    } finally {
      await ferry.kill();
    }
  });

  it('an outage past --grace: the hidraw node is removed (a remove uevent) and ferry exits 5 saying why', {
    timeout: 300_000,
  }, async () => {
    for (const old of sharers) old.child.kill('SIGKILL');
    await uevents.clear();
    const node = await ferry.start(await sharer().link, server.port, ['--grace', '3']);
    try {
      await startReader(node);
      await cutGuestNetwork(vm, `echo 'mark cut grace' >> ${READ_FILE}`);
      expect(await ferry.exitCode(150)).toBe(EXIT_CODES.gone);
      const stderr = (await ferry.stderr()).join('\n');
      console.info(`[vm] outage-uhid past --grace: ferry in the guest said:\n${stderr}`);
      expect(stderr).toMatch(/link down: .*keeping 1 device\(s\) for 3 s/);
      expect(stderr).toMatch(/removed .*\(1209:0001\): no sharer brought it back within 3 s \(--grace\)/);
      expect(stderr).toMatch(/ferry: gone: the sharer did not come back within 3 s \(--grace\)/);
      expect(await hidraw.waitGone(node)).toBe(true);
      const events = await uevents.events();
      const hidrawEvents = events.filter(({ devpath }) => devpath.endsWith(`/hidraw/${node.slice(5)}`));
      expect(hidrawEvents.map(({ action }) => action)).toEqual(['add', 'remove']);
      // Before it went, the held button was let go.
      expect(between(await readLines(), 'cut grace', undefined)).toContain(NEUTRAL);
    } catch (error) {
      await printDiagnostics();
      throw error;
    } finally {
      await restoreGuestNetwork(vm);
      await ferry.kill();
    }
  });
});
