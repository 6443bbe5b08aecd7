/**
 * Issue 13 for a sharer page that is not in front: a real background tab (hidden, its timers throttled
 * by Chrome to once a second) and a frozen one (Page Lifecycle, the page's counterpart of the SIGSTOP
 * in outage-wire.test.ts). The sharer page holds a fake WebHID gamepad (the corpus DualShock 3) whose
 * every report holds a button down and carries the time this test asked the device for it: the
 * device's own clock, whatever the page stamps. The
 * reports are asked for from this process over CDP, not by a timer in the page, because a real
 * device's reports come from the browser's device service, which Chrome does not throttle. The
 * receiver is the real `ferry receive --json`.
 *
 * What must hold (docs/receiver.md, "A sharer in a background or frozen tab"): hidden, the reports go
 * on arriving and the link is never called stalled or down, through streaming and idle spells alike;
 * frozen, the device is kept (one device line, no removal), the held button is released while the page
 * is frozen, fresh reports arrive after it thaws, and nothing the device produced during the freeze is
 * delivered after it (no burst of stale motion). No timing is asserted; the check that Chrome throttles
 * the hidden page's timers is what makes the first test a test of a background tab at all.
 */
import { createInterface } from 'node:readline';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { EXIT_CODES } from '../../src/receiver/receive.ts';
import { approveReceiver } from '../support/approval.ts';
import {
  type BackgroundableBrowser,
  coverWithNewTab,
  intervalGaps,
  launchBackgroundableChromium,
} from '../support/background-browser.ts';
import { collectPageErrors } from '../support/browser.ts';
import { hexToBytes, loadCorpusDevice } from '../support/corpus.ts';
import { fakeDeviceFromCorpus } from '../support/fake-device-from-corpus.ts';
import { bytesToHex } from '../support/fake-webhid/hex.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { installFakeWebHid } from '../support/install-fake.ts';
import { staleAfterOutage } from '../support/outage-judging.ts';

/** A gamepad: WebHID hides a mouse's pointer collection from pages (a protected usage), not a pad's. */
const PAD = 'sony-dualshock3-usb';
/** Input report 1: byte 1 (after the id) holds buttons 1 to 8, bytes 8 to 46 are 39 pointer values. */
const REPORT_ID = 1;
const BUTTONS_AT = 1;
const SELECT_DOWN = 0x01;
const STAMP_AT = 8;
const STAMP_WRAP = 2 ** 32;
/** Two reports every this many ms while the person plays (200 reports/s). */
const REPORT_EVERY_MS = 10;
/** The hidden tab's play: SPELLS times moving for MOVE_MS, then resting for REST_MS (20 s in all). */
const SPELLS = 5;
const MOVE_MS = 1500;
const REST_MS = 2500;

let server: FerryServer;
let chromium: BackgroundableBrowser;
const perTest: Array<() => unknown> = [];

beforeAll(async () => {
  server = await createFerryServer({ port: 0, staticDir: 'dist' });
  chromium = await launchBackgroundableChromium();
});

afterEach(async () => {
  for (const cleanup of perTest.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

/** What a run measured, printed for docs/performance.md ("A sharer in a background tab"); not asserted. */
const measured = (line: string) => process.stderr.write(`background-tab: ${line}\n`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const origin = () => `http://localhost:${server.port}`;
const wallClock = () => performance.timeOrigin + performance.now();

interface Arrival {
  /** When this process read the line (ms, wall clock). */
  at: number;
  /** When the device made it (the stamp it carries); undefined for a neutral report. */
  made: number | undefined;
  /** The button is up: a neutral report the receiver made while the link was stalled. */
  neutral: boolean;
}

/**
 * The pad as a person holds it: a button down and, in four of the 39 pointer bytes of input report 1
 * (absolute values Ferry passes through untouched), when the report was made: the device's own clock,
 * which the page's stamp cannot stand in for (a report queued in a frozen page is stamped when it is
 * dispatched).
 */
class HeldPad {
  private readonly base: Uint8Array;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly page: Page) {
    const report = loadCorpusDevice(PAD).recording[0]?.report;
    if (report?.[0] !== REPORT_ID) throw new Error(`${PAD}: the recording does not start with report 1`);
    this.base = report.slice(1);
    this.base[BUTTONS_AT] = SELECT_DOWN;
  }

  /**
   * Moves: every REPORT_EVERY_MS two reports in one go (as a fast device's come, several to a task),
   * asked of the fake device over CDP and not awaited, so a frozen page queues them as Chrome's device
   * service would.
   */
  move(): void {
    this.timer ??= setInterval(() => {
      const data = this.base.slice();
      new DataView(data.buffer).setUint32(STAMP_AT, Math.floor(wallClock()) % STAMP_WRAP, true);
      this.page
        .evaluate(
          ([id, hex]) => {
            const { __ferryFakeHid: fake } = window as unknown as {
              __ferryFakeHid: { emit(i: number, id: number, hex: string): unknown };
            };
            fake.emit(0, id as number, hex as string);
            fake.emit(0, id as number, hex as string);
          },
          [REPORT_ID, bytesToHex(data)] as const,
        )
        .catch(() => undefined); // the page closing at the end of a test
    }, REPORT_EVERY_MS);
  }

  /** Lets go of the pad: the device sends nothing. */
  rest(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** What `ferry receive --json` printed for an input report, read at `at`. */
function arrival(at: number, hex: string): Arrival {
  const data = hexToBytes(hex);
  const neutral = data[BUTTONS_AT] === 0;
  if (neutral || data.length <= STAMP_AT + 3) return { at, made: undefined, neutral };
  // The stamp is the wall clock modulo 2^32 ms (49 days), and a report is made before it arrives.
  const stamp = new DataView(data.buffer, data.byteOffset).getUint32(STAMP_AT, true);
  const behind = (((Math.floor(at) - stamp) % STAMP_WRAP) + STAMP_WRAP) % STAMP_WRAP;
  return { at, made: Math.floor(at) - behind, neutral };
}

interface Share {
  sharer: Page;
  errors: string[];
  pad: HeldPad;
  ferry: FerryProcess;
  seen: Arrival[];
}

/** The share page holding the pad, `ferry receive --json` approved and receiving its reports. */
async function share(): Promise<Share> {
  const sharer = await chromium.context.newPage();
  perTest.push(() => sharer.close());
  const errors = collectPageErrors(sharer);
  await installFakeWebHid(sharer, { devices: [fakeDeviceFromCorpus(PAD)] });
  await sharer.goto(origin());
  await sharer.getByTestId('share-button').click();
  const linkField = sharer.getByTestId('share-link');
  await expect.poll(() => linkField.inputValue(), { timeout: 15_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  const ferry = startFerryReceive([await linkField.inputValue(), '--json', '--stats', '1']);
  perTest.push(() => ferry.child.kill('SIGKILL'));
  const pad = new HeldPad(sharer);
  perTest.push(() => pad.rest());
  const seen: Arrival[] = [];
  createInterface({ input: ferry.child.stdout }).on('line', (line) => {
    const parsed = JSON.parse(line) as { type: string; reportId: number; data: string };
    if (parsed.type === 'input') seen.push(arrival(Date.now(), parsed.data));
  });
  await approveReceiver(sharer);
  pad.move();
  await expect.poll(() => seen.length, { timeout: 30_000 }).toBeGreaterThan(50);
  return { sharer, errors, pad, ferry, seen };
}

const stderrOf = ({ ferry }: Share) => ferry.stderr.join('\n');
const deviceLines = ({ ferry }: Share) =>
  ferry.stdout.filter((line) => (JSON.parse(line) as { type: string }).type === 'device');
/** Reports the device made in [from, to) that reached the receiver. */
const madeBetween = ({ seen }: Share, from: number, to: number) =>
  seen.filter((a) => a.made !== undefined && a.made >= from && a.made < to);

/** The run is still the one it was: one device, never removed, never given up; ends cleanly on Ctrl-C. */
async function expectKept(run: Share): Promise<void> {
  expect(deviceLines(run)).toHaveLength(1);
  expect(stderrOf(run)).not.toMatch(/removed|gone:|connection lost|link down/);
  expect(run.ferry.child.exitCode).toBeNull();
  run.ferry.child.kill('SIGINT');
  expect(await run.ferry.exited).toBe(EXIT_CODES.ended);
}

describe('a sharer page in a background tab', () => {
  it('hidden behind another tab (its timers throttled), moving and resting: the reports keep coming and the link is never called stalled', async () => {
    const run = await share();
    await coverWithNewTab(chromium.context, run.sharer);
    expect(await run.sharer.evaluate(() => document.visibilityState)).toBe('hidden');
    // Chrome really throttles it: a 50 ms interval in the page runs about once a second.
    const gaps = await intervalGaps(run.sharer, 3000);
    expect(Math.max(...gaps)).toBeGreaterThan(500);
    measured(`hidden tab: setInterval(…, 50) ran after ${gaps.join(', ')} ms`);

    // 20 s of play as a person plays: moving the pad, then leaving it alone (only heartbeats cross
    // then), five times. Each time the pad falls quiet the page's heartbeats are what the receiver
    // hears, once a second at best: the moment a stall used to be called.
    const spells: Array<[number, number]> = [];
    for (let spell = 0; spell < SPELLS; spell++) {
      const from = wallClock();
      await sleep(MOVE_MS);
      run.pad.rest();
      spells.push([from, wallClock()]);
      await sleep(REST_MS);
      run.pad.move();
    }
    const movingAgain = wallClock();
    expect(await run.sharer.evaluate(() => document.visibilityState)).toBe('hidden');

    for (const [from, to] of spells) expect(madeBetween(run, from, to).length).toBeGreaterThan(50);
    await expect.poll(() => madeBetween(run, movingAgain, Infinity).length).toBeGreaterThan(20);
    expect(stderrOf(run)).not.toMatch(/link stalled|link answers again/);
    // Nothing came late enough to be dropped: a burst used to wait for the bundle's 1 ms timer, which
    // the hidden tab ran up to a second late (441 dropped in one run).
    expect(stderrOf(run)).not.toMatch(/stale dropped/);
    await expect
      .poll(() => run.sharer.locator('[data-testid="status-peer"]').getAttribute('data-state'))
      .toBe('open');
    expect(run.errors).toEqual([]);
    await expectKept(run);
  });
});

describe('a sharer page in a frozen tab', () => {
  it('frozen 10 s (Page Lifecycle), then resumed: the device is kept, released while frozen, and resumes with fresh reports and nothing stale', async () => {
    const run = await share();
    await coverWithNewTab(chromium.context, run.sharer);
    const cdp: CDPSession = await chromium.context.newCDPSession(run.sharer);
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    perTest.push(() => cdp.send('Page.setWebLifecycleState', { state: 'active' }).catch(() => undefined));
    const frozen = wallClock();
    await sleep(10_000);
    const thawed = wallClock();
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });

    await expect
      .poll(() => madeBetween(run, thawed, Infinity).length, { timeout: 30_000 })
      .toBeGreaterThan(50);
    // A frozen page answers nothing: the receiver calls the link stalled and lets go of the button.
    expect(stderrOf(run)).toMatch(/link stalled: no answer from the sharer; released 1 device/);
    const before = run.seen.filter((a) => a.at <= thawed);
    expect(before.filter((a) => !a.neutral).length).toBeGreaterThan(50);
    expect((before.at(-1) as Arrival).neutral).toBe(true);
    // Nothing the device made while the page was frozen (or before) is delivered after it thawed.
    const after = run.seen.filter((a) => a.at > thawed);
    expect(staleAfterOutage(after, thawed, (a) => a.made)).toEqual([]);
    expect(madeBetween(run, frozen + 1000, thawed - 1000)).toEqual([]);
    const firstFresh = run.seen.find((a) => a.made !== undefined && a.made >= thawed);
    const dropped = /(\d+) stale dropped/.exec(
      run.ferry.stderr.filter((l) => /stale dropped/.test(l)).at(-1) ?? '',
    );
    measured(
      `frozen 10 s: first fresh report ${Math.round((firstFresh?.at ?? Number.NaN) - thawed)} ms after the thaw; ` +
        `${dropped?.[1] ?? 0} dropped as stale by ferry receive`,
    );
    expect(run.errors).toEqual([]);
    await expectKept(run);
  });
});
