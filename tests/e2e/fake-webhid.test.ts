/**
 * The fake `navigator.hid` in real headless Chromium, driven by real devices from the corpus. Each
 * expectation names the Chrome behaviour it mirrors (see tests/support/fake-webhid/*.ts for sources).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, freshContext, launchChromium } from '../support/browser.ts';
import { fakeDeviceFromCorpus } from '../support/fake-device-from-corpus.ts';
import type { FakeHidConfig, FakeHidControl } from '../support/fake-webhid/config.ts';
import type { HIDDevice } from '../support/fake-webhid/device.ts';
import type { HID } from '../support/fake-webhid/hid.ts';
import { installFakeWebHid } from '../support/install-fake.ts';
import { type StaticServer, startStaticServer } from '../support/static-server.ts';

/** What page-side callbacks see (they run in the page, so only types cross over). */
interface PageGlobals {
  navigator: { hid: HID };
  __ferryFakeHid: FakeHidControl;
  device: HIDDevice;
  log: string[];
  loadResults: Record<string, string>;
}

// Runs in the page before any activation: Chrome refuses requestDevice without a user gesture.
const NO_GESTURE_PAGE = `<!doctype html><script>
window.loadResults = {};
const settle = (key, promise) => promise.then(
  (value) => { window.loadResults[key] = 'resolved ' + value.length; },
  (error) => { window.loadResults[key] = error.name + ': ' + error.message; });
settle('noGesture', navigator.hid.requestDevice({ filters: [] }));
settle('noFilters', navigator.hid.requestDevice({}));
</script>`;

const DS4 = 'sony-dualshock4-usb';
const DS3 = 'sony-dualshock3-usb';
const SPACENAV = '3dconnexion-spacenavigator-usb';
const MOUSE = 'logitech-m105-mouse-usb';
const WBUZZ = 'namtai-wbuzz-usb';
const SOLO = 'solokeys-solo1-fido-usb';

let browser: Browser;
let server: StaticServer;
let pageErrors: string[] = [];
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  server = await startStaticServer({ '/no-gesture': NO_GESTURE_PAGE });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  expect(pageErrors).toEqual([]);
});

async function openPage(config: FakeHidConfig, path = ''): Promise<Page> {
  context = await freshContext(browser);
  const page = await context.newPage();
  pageErrors = collectPageErrors(page);
  await installFakeWebHid(page, config);
  await page.goto(server.url + path);
  return page;
}

/** Picks a device through the chooser (page.evaluate runs with a user gesture) and keeps it as `device`. */
async function pickDevice(page: Page): Promise<void> {
  const picked = await page.evaluate(async () => {
    const g = globalThis as unknown as PageGlobals;
    const [device] = await g.navigator.hid.requestDevice({ filters: [] });
    if (device) g.device = device;
    return device !== undefined;
  });
  expect(picked).toBe(true);
}

describe('navigator.hid', () => {
  it('replaces Chrome’s WebHID objects and keeps their shape', async () => {
    const page = await openPage({ devices: [] });
    const shape = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals & Record<string, new (...args: unknown[]) => unknown>;
      const construct = (name: string) => {
        try {
          new (g[name] as new (...args: unknown[]) => unknown)('x', {});
          return 'constructed';
        } catch (error) {
          return (error as Error).message;
        }
      };
      return {
        tag: String(g.navigator.hid),
        isHid: g.navigator.hid instanceof (g.HID as unknown as typeof EventTarget),
        hasControl: typeof g.__ferryFakeHid.replay,
        device: construct('HIDDevice'),
        inputEvent: construct('HIDInputReportEvent'),
        connectionEvent: construct('HIDConnectionEvent'),
      };
    });
    expect(shape).toEqual({
      tag: '[object HID]',
      isHid: true,
      hasControl: 'function',
      device: "Failed to construct 'HIDDevice': Illegal constructor",
      inputEvent: "Failed to construct 'HIDInputReportEvent': Illegal constructor",
      connectionEvent:
        "Failed to construct 'HIDConnectionEvent': Failed to read the 'device' property from 'HIDConnectionEventInit': Required member is undefined.",
    });
  });

  it('rejects requestDevice without a user gesture, and without filters, with Chrome’s errors', async () => {
    const page = await openPage({ devices: [fakeDeviceFromCorpus(DS4)] }, 'no-gesture');
    await page.waitForFunction(
      () => Object.keys((globalThis as unknown as PageGlobals).loadResults).length === 2,
    );
    const results = await page.evaluate(() => (globalThis as unknown as PageGlobals).loadResults);
    expect(results).toEqual({
      noGesture:
        "SecurityError: Failed to execute 'requestDevice' on 'HID': Must be handling a user gesture to show a permission request.",
      noFilters:
        "TypeError: Failed to execute 'requestDevice' on 'HID': Failed to read the 'filters' property from 'HIDDeviceRequestOptions': Required member is undefined.",
    });
  });

  it('validates filters like hid.cc', async () => {
    const page = await openPage({ devices: [fakeDeviceFromCorpus(DS4)] });
    const errors = await page.evaluate(async () => {
      const { hid } = (globalThis as unknown as PageGlobals).navigator;
      const attempt = (options: Parameters<HID['requestDevice']>[0]) =>
        hid.requestDevice(options).then(
          () => 'resolved',
          (error: Error) => `${error.name}: ${error.message}`,
        );
      return [
        await attempt({ filters: [{}] }),
        await attempt({ filters: [{ productId: 1 }] }),
        await attempt({ filters: [{ usage: 1 }] }),
        await attempt({ filters: [], exclusionFilters: [] }),
      ];
    });
    expect(errors).toEqual([
      'TypeError: A filter must provide a property to filter by.',
      'TypeError: A filter containing a productId must also contain a vendorId.',
      'TypeError: A filter containing a usage must also contain a usagePage.',
      "TypeError: Failed to execute 'requestDevice' on 'HID': 'exclusionFilters', if present, must contain at least one filter.",
    ]);
  });

  it('lets the chooser pick by vendor/product and usage, honour exclusions, cancel, and hide FIDO keys', async () => {
    const devices = [fakeDeviceFromCorpus(DS4), fakeDeviceFromCorpus(SPACENAV), fakeDeviceFromCorpus(SOLO)];
    const page = await openPage({ devices });
    const picks = await page.evaluate(async () => {
      const g = globalThis as unknown as PageGlobals;
      const pick = async (options: Parameters<HID['requestDevice']>[0]) =>
        (await g.navigator.hid.requestDevice(options)).map((device) => device.productName);
      const results = {
        byIds: await pick({ filters: [{ vendorId: 0x046d, productId: 0xc626 }] }),
        byUsage: await pick({ filters: [{ usagePage: 0x01, usage: 0x05 }] }),
        excluded: await pick({ filters: [{ usagePage: 0x01 }], exclusionFilters: [{ vendorId: 0x054c }] }),
        fidoOnly: await pick({ filters: [{ usagePage: 0xf1d0 }] }),
        cancelled: [] as string[],
        chosen: [] as string[],
      };
      g.__ferryFakeHid.setChooser('cancel');
      results.cancelled = await pick({ filters: [] });
      g.__ferryFakeHid.setChooser({ deviceIndex: 1 });
      results.chosen = await pick({ filters: [] });
      return results;
    });
    expect(picks).toEqual({
      byIds: ['3Dconnexion SpaceNavigator (2016 unit, 228-byte descriptor)'],
      byUsage: ['Sony DualShock 4 (054c:05c4, first generation) over USB'],
      excluded: ['3Dconnexion SpaceNavigator (2016 unit, 228-byte descriptor)'],
      fidoOnly: [],
      cancelled: [],
      chosen: ['3Dconnexion SpaceNavigator (2016 unit, 228-byte descriptor)'],
    });
  });

  it('lists permitted devices in getDevices, as the same objects requestDevice returns', async () => {
    const page = await openPage({
      devices: [fakeDeviceFromCorpus(DS4, { granted: true }), fakeDeviceFromCorpus(SPACENAV)],
    });
    const result = await page.evaluate(async () => {
      const { hid } = (globalThis as unknown as PageGlobals).navigator;
      const before = await hid.getDevices();
      const [picked] = await hid.requestDevice({ filters: [{ vendorId: 0x054c }] });
      const again = await hid.getDevices();
      return { before: before.length, same: before[0] === picked, after: again.length };
    });
    expect(result).toEqual({ before: 1, same: true, after: 1 });
  });

  it('never returns a mouse: Chrome strips its protected reports and drops the emptied device', async () => {
    const page = await openPage({ devices: [fakeDeviceFromCorpus(MOUSE)] });
    const result = await page.evaluate(async () => {
      const { hid } = (globalThis as unknown as PageGlobals).navigator;
      return {
        picked: (await hid.requestDevice({ filters: [] })).length,
        listed: (await hid.getDevices()).length,
      };
    });
    expect(result).toEqual({ picked: 0, listed: 0 });
  });
});

describe('HIDDevice with report IDs (DualShock 4)', () => {
  it('exposes Chrome’s frozen collections and opens once', async () => {
    const page = await openPage({ devices: [fakeDeviceFromCorpus(DS4)] });
    await pickDevice(page);
    const result = await page.evaluate(async () => {
      const { device } = globalThis as unknown as PageGlobals;
      const collections = device.collections;
      const sendBeforeOpen = await device
        .sendReport(5, new Uint8Array(31))
        .catch((e: Error) => `${e.name}: ${e.message}`);
      await device.open();
      const secondOpen = await device.open().catch((e: Error) => `${e.name}: ${e.message}`);
      return {
        ids: [device.vendorId, device.productId],
        frozen: Object.isFrozen(collections),
        sameArray: collections === device.collections,
        topLevel: collections.map((c) => [
          c.usagePage,
          c.usage,
          c.inputReports.length,
          c.outputReports.length,
        ]),
        opened: device.opened,
        sendBeforeOpen,
        secondOpen,
      };
    });
    expect(result).toEqual({
      ids: [0x054c, 0x05c4],
      frozen: true,
      sameArray: true,
      topLevel: [[0x01, 0x05, 1, 1]],
      opened: true,
      sendBeforeOpen: 'InvalidStateError: The device must be opened first.',
      secondOpen: 'InvalidStateError: The device is already open.',
    });
  });

  it('records output reports and applies hid_connection.cc’s checks', async () => {
    const page = await openPage({ devices: [fakeDeviceFromCorpus(DS4)] });
    await pickDevice(page);
    const result = await page.evaluate(async () => {
      const { device, __ferryFakeHid } = globalThis as unknown as PageGlobals;
      await device.open();
      const outcome = (promise: Promise<unknown>) =>
        promise.then(
          () => 'ok',
          (e: Error) => `${e.name}: ${e.message}`,
        );
      const rumble = new Uint8Array(31);
      rumble.set([0xff, 0x04, 0x00, 0x40, 0x80]);
      return {
        valid: await outcome(device.sendReport(5, rumble)),
        reportIdZero: await outcome(device.sendReport(0, rumble)),
        tooLong: await outcome(device.sendReport(5, new Uint8Array(32))),
        notABuffer: await outcome(device.sendReport(5, [1, 2] as unknown as BufferSource)),
        outputs: __ferryFakeHid.outputs(0),
      };
    });
    expect(result).toEqual({
      valid: 'ok',
      reportIdZero: 'NotAllowedError: Failed to write the report.',
      tooLong: 'NotAllowedError: Failed to write the report.',
      notABuffer:
        "TypeError: Failed to execute 'sendReport' on 'HIDDevice': The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.",
      outputs: [{ reportId: 5, bytes: `ff04004080${'00'.repeat(26)}` }],
    });
  });

  it('stores feature reports and returns them with the report ID first, as Linux Chrome does', async () => {
    const page = await openPage({ devices: [fakeDeviceFromCorpus(DS4)] });
    await pickDevice(page);
    const result = await page.evaluate(async () => {
      const { device, __ferryFakeHid } = globalThis as unknown as PageGlobals;
      await device.open();
      const bytes = (view: DataView) => [...new Uint8Array(view.buffer, view.byteOffset, view.byteLength)];
      __ferryFakeHid.setFeature(0, 0x12, '0102030405060708090a0b0c0d0e0f');
      const primed = bytes(await device.receiveFeatureReport(0x12));
      await device.sendFeatureReport(0x14, new Uint8Array(16).fill(7));
      const written = __ferryFakeHid.features(0)[0x14];
      const initial = bytes(await device.receiveFeatureReport(0x02));
      const unknown = await device.receiveFeatureReport(0x03).catch((e: Error) => `${e.name}: ${e.message}`);
      return { primed, written, initialLength: initial.length, initialId: initial[0], unknown };
    });
    expect(result).toEqual({
      primed: [0x12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
      written: '07'.repeat(16),
      initialLength: 37,
      initialId: 0x02,
      unknown: 'NotAllowedError: Failed to receive the feature report.',
    });
  });
});

describe('input reports', () => {
  it('replays a recording with report IDs split off, only while open, at the recorded pace', async () => {
    const page = await openPage({ devices: [fakeDeviceFromCorpus(DS3)] });
    await pickDevice(page);
    const result = await page.evaluate(async () => {
      const { device, __ferryFakeHid } = globalThis as unknown as PageGlobals;
      const closedReplay = await __ferryFakeHid.replay(0, { count: 5, intervalMs: 0 });
      const events: Array<{ id: number; length: number; first: number; at: number }> = [];
      device.oninputreport = (event: Event) => {
        const report = event as Event & { reportId: number; data: DataView; device: unknown };
        if (report.device !== device) throw new Error('event for another device');
        events.push({
          id: report.reportId,
          length: report.data.byteLength,
          first: report.data.getUint8(0),
          at: performance.now(),
        });
      };
      await device.open();
      const start = performance.now();
      const openReplay = await __ferryFakeHid.replay(0, { count: 40, speed: 1 });
      const elapsed = performance.now() - start;
      return {
        closedReplay,
        openReplay,
        elapsed,
        events: events.map(({ id, length, first }) => ({ id, length, first })),
      };
    });
    expect(result.closedReplay).toEqual({ sent: 5, delivered: 0 });
    expect(result.openReplay).toEqual({ sent: 40, delivered: 40 });
    expect(result.events).toHaveLength(40);
    // DS3 report 0x01: 49 bytes from hidraw, the event carries the 48 data bytes.
    expect(result.events[0]).toEqual({ id: 1, length: 48, first: 0 });
    // The 40th recorded event is ~0.2 s after the first; the replay honours it (with slack for CI).
    const { loadCorpusDevice } = await import('../support/corpus.ts');
    const recordedSpan = (loadCorpusDevice(DS3).recording[39]?.t ?? 0) * 1000;
    expect(result.elapsed).toBeGreaterThanOrEqual(recordedSpan - 5);
    expect(result.elapsed).toBeLessThan(recordedSpan + 500);
  });

  it('delivers unnumbered reports with reportId 0 and the whole report as data (Wbuzz)', async () => {
    const page = await openPage({ devices: [fakeDeviceFromCorpus(WBUZZ)] });
    await pickDevice(page);
    const result = await page.evaluate(async () => {
      const g = globalThis as unknown as PageGlobals;
      const { device, __ferryFakeHid } = g;
      const seen: string[] = [];
      device.addEventListener('inputreport', (event) => {
        const report = event as Event & { reportId: number; data: DataView };
        seen.push(`${report.reportId}:${[...new Uint8Array(report.data.buffer)].join(',')}`);
      });
      await device.open();
      const replay = await __ferryFakeHid.replay(0, { count: 3, speed: 100 });
      const emitted = await __ferryFakeHid.emit(0, 0, '0102030405');
      const outcome = (promise: Promise<unknown>) =>
        promise.then(
          () => 'ok',
          (e: Error) => `${e.name}: ${e.message}`,
        );
      return {
        replay,
        emitted,
        seen,
        output: await outcome(device.sendReport(0, new Uint8Array(7).fill(1))),
        numberedOutput: await outcome(device.sendReport(1, new Uint8Array(7))),
        emptyOutput: await outcome(device.sendReport(0, new Uint8Array(0))),
        feature: await outcome(device.receiveFeatureReport(0)),
      };
    });
    expect(result).toEqual({
      replay: { sent: 3, delivered: 3 },
      emitted: true,
      seen: ['0:0,0,0,128,240', '0:0,0,0,0,240', '0:0,0,0,0,241', '0:1,2,3,4,5'],
      output: 'ok',
      numberedOutput: 'NotAllowedError: Failed to write the report.',
      emptyOutput: 'NotAllowedError: Failed to write the report.',
      feature: 'NotAllowedError: Failed to receive the feature report.',
    });
  });

  it('stops events after close()', async () => {
    const page = await openPage({ devices: [fakeDeviceFromCorpus(SPACENAV)] });
    await pickDevice(page);
    const counts = await page.evaluate(async () => {
      const { device, __ferryFakeHid } = globalThis as unknown as PageGlobals;
      let events = 0;
      device.oninputreport = () => {
        events++;
      };
      await device.open();
      const whileOpen = await __ferryFakeHid.emit(0, 1, '0a000b000c00');
      await device.close();
      const afterClose = await __ferryFakeHid.emit(0, 1, '0a000b000c00');
      return { whileOpen, afterClose, events, opened: device.opened };
    });
    expect(counts).toEqual({ whileOpen: true, afterClose: false, events: 1, opened: false });
  });
});

describe('unplug, replug and forget', () => {
  it('fails pending requests, fires disconnect, and (like Chrome) leaves `opened` true', async () => {
    const page = await openPage({ devices: [fakeDeviceFromCorpus(DS4, { replyDelayMs: 50 })] });
    await pickDevice(page);
    const result = await page.evaluate(async () => {
      const { device, navigator, __ferryFakeHid } = globalThis as unknown as PageGlobals;
      const log: string[] = [];
      navigator.hid.ondisconnect = (event: Event) => {
        log.push(`disconnect:${(event as Event & { device: unknown }).device === device}`);
      };
      await device.open();
      const pending = device.sendReport(5, new Uint8Array(31)).then(
        () => 'resolved',
        (e: Error) => `${e.name}: ${e.message}`,
      );
      await __ferryFakeHid.unplug(0);
      return {
        pending: await pending,
        log,
        opened: device.opened,
        listed: (await navigator.hid.getDevices()).length,
      };
    });
    expect(result).toEqual({
      pending: 'InvalidStateError: The device was closed unexpectedly.',
      log: ['disconnect:true'],
      opened: true,
      listed: 0,
    });
  });

  it('fires connect with a new HIDDevice on replug only when the permission persisted (serial number)', async () => {
    const devices = [fakeDeviceFromCorpus(DS4, { serialNumber: 'ds4-1' }), fakeDeviceFromCorpus(SPACENAV)];
    const page = await openPage({ devices });
    const result = await page.evaluate(async () => {
      const { navigator, __ferryFakeHid } = globalThis as unknown as PageGlobals;
      __ferryFakeHid.setChooser({ deviceIndex: 0 });
      const [ds4] = await navigator.hid.requestDevice({ filters: [] });
      __ferryFakeHid.setChooser({ deviceIndex: 1 });
      await navigator.hid.requestDevice({ filters: [] });
      const connected: Array<{ name: string; fresh: boolean }> = [];
      navigator.hid.addEventListener('connect', (event) => {
        const device = (event as Event & { device: HIDDevice }).device;
        connected.push({ name: device.productName.slice(0, 12), fresh: device !== ds4 });
      });
      for (const index of [0, 1]) await __ferryFakeHid.unplug(index);
      for (const index of [0, 1]) await __ferryFakeHid.plug(index);
      return { connected, listed: (await navigator.hid.getDevices()).length };
    });
    expect(result).toEqual({ connected: [{ name: 'Sony DualSho', fresh: true }], listed: 1 });
  });

  it('keeps the origin’s permissions across a reload, as Chrome’s permission store does', async () => {
    const devices = [fakeDeviceFromCorpus(DS4, { serialNumber: 'ds4-1' }), fakeDeviceFromCorpus(SPACENAV)];
    const page = await openPage({ devices });
    const listed = () =>
      page.evaluate(async () => {
        const granted = await (globalThis as unknown as PageGlobals).navigator.hid.getDevices();
        return granted.map((device) => device.productName.slice(0, 12));
      });
    expect(await listed()).toEqual([]);
    await page.evaluate(async () => {
      const { navigator, __ferryFakeHid } = globalThis as unknown as PageGlobals;
      for (const deviceIndex of [0, 1]) {
        __ferryFakeHid.setChooser({ deviceIndex });
        await navigator.hid.requestDevice({ filters: [] });
      }
    });
    await page.reload();
    // Both kinds survive a reload: the persistent one (serial number) and the ephemeral one.
    expect(await listed()).toEqual(['Sony DualSho', '3Dconnexion ']);
    // The ephemeral one goes when the device is unplugged; the persistent one outlives that and a reload.
    await page.evaluate(async () => {
      const { __ferryFakeHid } = globalThis as unknown as PageGlobals;
      for (const index of [0, 1]) await __ferryFakeHid.unplug(index);
      for (const index of [0, 1]) await __ferryFakeHid.plug(index);
    });
    await page.reload();
    expect(await listed()).toEqual(['Sony DualSho']);
    // forget() revokes for good, reloads included.
    await page.evaluate(async () => {
      const [device] = await (globalThis as unknown as PageGlobals).navigator.hid.getDevices();
      await device?.forget();
    });
    await page.reload();
    expect(await listed()).toEqual([]);
  });

  it('forget() revokes the permission and retires the object', async () => {
    const page = await openPage({ devices: [fakeDeviceFromCorpus(DS4)] });
    await pickDevice(page);
    const result = await page.evaluate(async () => {
      const { device, navigator } = globalThis as unknown as PageGlobals;
      await device.open();
      await device.forget();
      return {
        opened: device.opened,
        listed: (await navigator.hid.getDevices()).length,
        reopen: await device.open().catch((e: Error) => `${e.name}: ${e.message}`),
      };
    });
    expect(result).toEqual({
      opened: false,
      listed: 0,
      reopen: 'InvalidStateError: The device is forgotten.',
    });
  });
});
