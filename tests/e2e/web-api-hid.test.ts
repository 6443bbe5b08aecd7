/**
 * Remote devices for web apps (docs/web-api.md): an ordinary WebHID tester page (tests/support/hid-tester),
 * served from another origin and opened in another Chromium than the sharer, takes its `hid` object from
 * the server's /ferry-hid.js instead of navigator.hid — and behaves as it does against the (Chrome-faithful)
 * fake navigator.hid holding the same corpus device: ids and collections, input reports byte for byte,
 * an output report to the device, a feature report round trip, `disconnect` on removal, and Chrome's
 * DOMException names when something is refused. And through a lost link (issue 13), the same open device
 * carrying on when another sharer re-joins the session.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENIED_REASON } from '../../src/transport/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approvalPrompt, approveReceiver } from '../support/approval.ts';
import { collectPageErrors, launchChromium } from '../support/browser.ts';
import { loadCorpusDevice } from '../support/corpus.ts';
import { fakeDeviceFromCorpus } from '../support/fake-device-from-corpus.ts';
import { collectionsForPage } from '../support/fake-webhid/collections-view.ts';
import type { FakeHidControl } from '../support/fake-webhid/config.ts';
import { removeProtectedReports } from '../support/fake-webhid/protection.ts';
import { installFakeWebHid } from '../support/install-fake.ts';
import { type NodeSharerProcess, sessionOf, startNodeSharer } from '../support/node-sharer.ts';
import { type StaticServer, startStaticServer } from '../support/static-server.ts';

const DEVICE = 'sony-dualshock3-usb'; // numbered reports, a recording, output and feature reports
const REPLAYED = 60;
const FEATURE_ID = 0xef;
const TESTER_FILES = ['index.html', 'tester.js', 'boot.js'];

const app = useAppAndBrowser(); // the server, and the sharer's Chromium
let testerBrowser: Browser | undefined; // a second Chromium for the web app
let testerSite: StaticServer | undefined; // the web app's own origin: 127.0.0.1:<another port>

beforeAll(async () => {
  const file = (name: string) =>
    readFileSync(new URL(`../support/hid-tester/${name}`, import.meta.url), 'utf8');
  const pages = Object.fromEntries(TESTER_FILES.map((name) => [`/${name}`, file(name)]));
  testerSite = await startStaticServer({ ...pages, '/': file('index.html') });
  testerBrowser = await launchChromium();
});
afterAll(async () => {
  await testerBrowser?.close();
  await testerSite?.close();
});

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
type FakeWindow = { __ferryFakeHid: FakeHidControl };

/** The test's hand on the fake device, in the page that holds it. */
const device0 = {
  replay: (page: Page, count: number) =>
    page.evaluate(
      (count) => (window as unknown as FakeWindow).__ferryFakeHid.replay(0, { count, intervalMs: 2 }),
      count,
    ),
  outputs: (page: Page) => page.evaluate(() => (window as unknown as FakeWindow).__ferryFakeHid.outputs(0)),
  features: (page: Page) => page.evaluate(() => (window as unknown as FakeWindow).__ferryFakeHid.features(0)),
  setFeature: (page: Page, reportId: number, bytes: string) =>
    page.evaluate(
      ([reportId, bytes]) => (window as unknown as FakeWindow).__ferryFakeHid.setFeature(0, reportId, bytes),
      [reportId, bytes] as const,
    ),
  unplug: (page: Page) => page.evaluate(() => (window as unknown as FakeWindow).__ferryFakeHid.unplug(0)),
};

/** Where the fake device lives (the sharer's page, or the tester itself) and the tester page. */
interface Setup {
  device: Page;
  tester: Page;
  errors: string[][];
}

async function openTester(
  hash: string,
  prepare?: (page: Page) => Promise<void>,
): Promise<{ page: Page; errors: string[] }> {
  if (!testerBrowser || !testerSite) throw new Error('beforeAll has not run');
  const context = await testerBrowser.newContext();
  app.defer(() => context.close());
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await prepare?.(page);
  await page.goto(`${testerSite.url}${hash}`);
  return { page, errors };
}

/** The sharer's page in the app's Chromium, sharing the corpus device; resolves with it and its link. */
async function sharing(): Promise<{ page: Page; errors: string[]; link: string }> {
  const sharer = await app.openPage('/', (page) =>
    installFakeWebHid(page, { devices: [fakeDeviceFromCorpus(DEVICE)] }),
  );
  await sharer.page.getByTestId('share-button').click();
  const field = sharer.page.getByTestId('share-link');
  await expect.poll(() => field.inputValue(), { timeout: 15_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  return { ...sharer, link: await field.inputValue() };
}

function ferryHash(link: string, origin = app.origin): string {
  return `#ferry=${encodeURIComponent(origin)}&link=${encodeURIComponent(link)}`;
}

async function status(tester: Page, timeout = 20_000): Promise<string> {
  await expect.poll(() => tester.locator('#status').textContent(), { timeout }).not.toMatch(/^(starting|…)$/);
  return (await tester.locator('#status').textContent()) ?? '';
}

const backends: Record<string, () => Promise<Setup>> = {
  'navigator.hid (the fake, in the tester page itself)': async () => {
    const tester = await openTester('', (page) =>
      installFakeWebHid(page, { devices: [fakeDeviceFromCorpus(DEVICE)] }),
    );
    return { device: tester.page, tester: tester.page, errors: [tester.errors] };
  },
  "Ferry's /ferry-hid.js (the device shared from another browser and origin)": async () => {
    const sharer = await sharing();
    const tester = await openTester(ferryHash(sharer.link));
    await approveReceiver(sharer.page, { name: 'HID tester', permission: 'full' });
    return { device: sharer.page, tester: tester.page, errors: [sharer.errors, tester.errors] };
  },
};

describe.each(Object.entries(backends))('the HID tester app on %s', (_, setUp) => {
  it('lists the device, shows its input reports, sends an output report, round-trips a feature report, sees it go', async () => {
    const corpus = loadCorpusDevice(DEVICE);
    const expected = fakeDeviceFromCorpus(DEVICE);
    const { device, tester, errors } = await setUp();
    expect(await status(tester)).toBe('ready');

    await tester.locator('#vendor-filter').fill(corpus.vendorId.toString(16));
    await tester.locator('#request').click();
    await expect.poll(() => tester.locator('#status').textContent()).toBe('picked 1');
    const ids = `${corpus.vendorId.toString(16).padStart(4, '0')}:${corpus.productId.toString(16).padStart(4, '0')}`;
    expect(await tester.locator('#devices li').allTextContents()).toEqual([`${corpus.name} ${ids}`]);
    const collections = JSON.parse((await tester.locator('#collections').textContent()) ?? '');
    // What Chrome shows a page: the device's collections as HidService and blink filter them.
    const shown = collectionsForPage(removeProtectedReports(expected.collections));
    expect(collections).toEqual(JSON.parse(JSON.stringify(shown)));

    // Before open(): Chrome's InvalidStateError.
    await tester.locator('#output-data').fill('00');
    await tester.locator('#output-send').click();
    await expect
      .poll(() => tester.locator('#output-result').textContent())
      .toBe('InvalidStateError: The device must be opened first.');

    await tester.locator('#open').click();
    await expect.poll(() => tester.locator('#open-result').textContent()).toBe('ok');
    expect(await tester.locator('#devices li').allTextContents()).toEqual([`${corpus.name} ${ids} (open)`]);

    const replayed = await device0.replay(device, REPLAYED);
    expect(replayed.sent).toBe(REPLAYED);
    await expect
      .poll(() => tester.locator('#report-count').textContent(), { timeout: 15_000 })
      .toBe(String(REPLAYED));
    const reports = corpus.recording
      .slice(0, REPLAYED)
      .map(({ report }) => `${report[0]} ${hex(report.subarray(1))}`);
    expect(await tester.locator('#reports li').allTextContents()).toEqual(reports);

    const output = 'ff'.repeat(4) + '00'.repeat(44);
    await tester.locator('#output-id').fill('1');
    await tester.locator('#output-data').fill(output);
    await tester.locator('#output-send').click();
    await expect.poll(() => tester.locator('#output-result').textContent()).toBe('ok');
    expect(await device0.outputs(device)).toEqual([{ reportId: 1, bytes: output }]);

    // A feature report the device holds comes back as Chrome on Linux gives it: the report id first.
    await device0.setFeature(device, FEATURE_ID, '0a'.repeat(48));
    await tester.locator('#feature-id').fill(String(FEATURE_ID));
    await tester.locator('#feature-get').click();
    await expect.poll(() => tester.locator('#feature-result').textContent()).toBe(`ef${'0a'.repeat(48)}`);
    await tester.locator('#feature-data').fill('42'.repeat(48));
    await tester.locator('#feature-set').click();
    await expect.poll(() => tester.locator('#feature-result').textContent()).toBe('ok');
    const features = await device0.features(device);
    expect(features[FEATURE_ID]).toBe('42'.repeat(48));
    await tester.locator('#feature-get').click();
    await expect.poll(() => tester.locator('#feature-result').textContent()).toBe(`ef${'42'.repeat(48)}`);

    await device0.unplug(device);
    await expect
      .poll(() => tester.locator('#events li').allTextContents(), { timeout: 15_000 })
      .toEqual([`disconnect ${corpus.name}`]);
    await expect.poll(() => tester.locator('#devices li').count()).toBe(0);
    for (const list of errors) expect(list).toEqual([]);
  });
});

describe('Ferry refusing a web app', () => {
  it('an output report beyond an input-only grant rejects with NotAllowedError; the device never sees it', async () => {
    const sharer = await sharing();
    const tester = await openTester(ferryHash(sharer.link));
    await approveReceiver(sharer.page, { name: 'HID tester', permission: 'input' });
    expect(await status(tester.page)).toBe('ready');
    await tester.page.locator('#request').click();
    await expect.poll(() => tester.page.locator('#status').textContent()).toBe('picked 1');
    await tester.page.locator('#open').click();
    await expect.poll(() => tester.page.locator('#open-result').textContent()).toBe('ok');
    await tester.page.locator('#output-data').fill('01'.repeat(48));
    await tester.page.locator('#output-send').click();
    await expect
      .poll(() => tester.page.locator('#output-result').textContent())
      .toBe(
        "NotAllowedError: Failed to write the report. The sharer's grant to this page does not allow it.",
      );
    expect(await device0.outputs(sharer.page)).toEqual([]);
    // Input still flows: the grant allows it.
    await device0.replay(sharer.page, 3);
    await expect
      .poll(() => tester.page.locator('#report-count').textContent(), { timeout: 15_000 })
      .toBe('3');
  });

  it('connect() rejects: NotAllowedError when the sharer denies, NotFoundError for an unknown share, SyntaxError for a bad link', async () => {
    const sharer = await sharing();
    const denied = await openTester(ferryHash(sharer.link));
    const prompt = await approvalPrompt(sharer.page, 'HID tester');
    await prompt.getByTestId('deny-button').click();
    expect(await status(denied.page)).toBe(`NotAllowedError: Ferry: ${DENIED_REASON}.`);

    const unknown = sharer.link.replace(/\/s\/[\w-]{22}#/, `/s/${'A'.repeat(22)}#`);
    const missing = await openTester(ferryHash(unknown));
    expect(await status(missing.page)).toMatch(/^NotFoundError: Ferry: /);

    const bad = await openTester(ferryHash(`${app.origin}/s/nope`));
    expect(await status(bad.page)).toMatch(/^SyntaxError: Ferry: this link does not name a Ferry session/);
  });
});

/**
 * Runs `body` (JavaScript, with `connect` in scope) in a blank page of the tester's origin, which imports
 * the module itself. A string, because vitest rewrites `import()` in functions handed to the page.
 */
async function withModule(body: string): Promise<unknown> {
  const blank = await openTester('/blank');
  const ferry = JSON.stringify(`${app.origin}/ferry-hid.js`);
  return blank.page.evaluate(`(async () => { const { connect } = await import(${ferry}); ${body} })()`);
}

/** A Node sharer process (no browser) holding a button down on a corpus device, killed at the end. */
function nodeSharer(join?: { sessionId: string; secret: string }): NodeSharerProcess {
  const sharer = startNodeSharer(app.origin, { device: DEVICE, holdMs: 20, join });
  app.defer(() => sharer.child.kill('SIGKILL'));
  return sharer;
}

const reportCount = async (tester: Page) => Number(await tester.locator('#report-count').textContent());

describe('the HID tester app while the link is down (issue 13)', () => {
  it('a sharer killed (no goodbye) and another re-joining: no disconnect, the same open device, a request while down is a TimeoutError, input and requests carry on', async () => {
    const first = nodeSharer();
    const link = await first.link;
    const tester = await openTester(ferryHash(link));
    app.defer(() => expect(tester.errors).toEqual([]));
    const page = tester.page;
    expect(await status(page)).toBe('ready');
    await page.locator('#request').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('picked 1');
    await page.locator('#open').click();
    await expect.poll(() => page.locator('#open-result').textContent()).toBe('ok');
    await expect.poll(() => reportCount(page), { timeout: 20_000 }).toBeGreaterThan(5);
    const opened = await page.locator('#devices li').allTextContents();
    expect(opened).toEqual([expect.stringMatching(/\(open\)$/)]);

    const exited = new Promise((done) => first.child.once('exit', done));
    first.child.kill('SIGKILL');
    await exited;
    // Made while the link is down (or going): it waits for the link for requestTimeoutMs, then says so.
    await page.locator('#feature-id').fill(String(FEATURE_ID));
    await page.locator('#feature-get').click();
    await expect
      .poll(() => page.locator('#feature-result').textContent(), { timeout: 15_000 })
      .toMatch(/^TimeoutError: Failed to receive the feature report\. /);
    expect(await page.locator('#events li').count()).toBe(0);
    const before = await reportCount(page);

    await nodeSharer(sessionOf(link)).link;
    // The page's oninputreport is on the device object it opened: counting on means that object carries on.
    await expect.poll(() => reportCount(page), { timeout: 30_000 }).toBeGreaterThan(before + 5);
    await page.locator('#output-id').fill('1');
    await page.locator('#output-data').fill('00'.repeat(48));
    await page.locator('#output-send').click();
    await expect.poll(() => page.locator('#output-result').textContent(), { timeout: 15_000 }).toBe('ok');
    expect(await page.locator('#events li').count()).toBe(0);
    expect(await page.locator('#devices li').allTextContents()).toEqual(opened);
  });
});

describe('connect() by short code, and giving up', () => {
  it("joins by the share's short code (the module's own server); an AbortSignal ends a wait for approval; NetworkError for no server", async () => {
    const sharer = await sharing();
    const code = (await sharer.page.getByTestId('share-code').textContent()) ?? '';
    const byCode = withModule(`
      const hid = await connect(${JSON.stringify(code)}, { name: 'by code' });
      const devices = await hid.requestDevice({ filters: [] });
      return devices.map((device) => device.productName);`);
    await approveReceiver(sharer.page, { name: 'by code' });
    expect(await byCode).toEqual([loadCorpusDevice(DEVICE).name]);

    const abandoned = await withModule(`
      try {
        await connect(${JSON.stringify(sharer.link)}, { name: 'impatient', signal: AbortSignal.timeout(1500) });
        return 'connected';
      } catch (error) {
        return error.name;
      }`);
    expect(abandoned).toBe('TimeoutError');

    // Nothing listens on port 1 of the loopback: the server cannot be reached.
    const unreachable = await withModule(`
      try {
        await connect(${JSON.stringify(sharer.link)}, { server: 'http://127.0.0.1:1' });
        return 'connected';
      } catch (error) {
        return error.name + ': ' + error.message;
      }`);
    expect(unreachable).toMatch(/^NetworkError: Cannot reach the Ferry server at http:\/\/127\.0\.0\.1:1: /);
    // The page left the session: no prompt for it lingers on the share page.
    await expect
      .poll(() => sharer.page.getByTestId('approval-prompt').filter({ hasText: 'impatient' }).count(), {
        timeout: 15_000,
      })
      .toBe(0);
  });
});

describe('/ferry-hid.js on the server', () => {
  it('is JavaScript any origin may load; the app itself stays same-origin', async () => {
    const module = await fetch(new URL('/ferry-hid.js', app.origin));
    expect(module.status).toBe(200);
    expect(module.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(module.headers.get('access-control-allow-origin')).toBe('*');
    expect(module.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await module.text()).toMatch(/export\s*\{[^}]*\bconnect\b/);
    const config = await fetch(new URL('/config.json', app.origin));
    expect(config.headers.get('access-control-allow-origin')).toBe('*');
    const page = await fetch(new URL('/', app.origin));
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    expect(page.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });
});
