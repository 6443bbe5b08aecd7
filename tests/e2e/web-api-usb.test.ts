/**
 * The WebUSB half of /ferry-hid.js (docs/web-api.md): an ordinary WebUSB tester page
 * (tests/support/usb-tester), served from another origin and opened in another Chromium than the sharer,
 * takes its `usb` object from `connectUSB` — and shows what it shows against the (Chrome-faithful) fake
 * navigator.usb holding the same simulated Gadget Zero: descriptors, Chrome's refusals, vendor control
 * transfers, a stall, bulk loopback after selecting a configuration, `disconnect` on removal.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedUsbDevice } from '../../src/devices/usb/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';
import { collectPageErrors, launchChromium } from '../support/browser.ts';
import { fakeWebUsbInitScript } from '../support/fake-webusb/bundle.ts';
import { type StaticServer, startStaticServer } from '../support/static-server.ts';

const TESTER_FILES = ['index.html', 'tester.js', 'boot.js'];
const app = useAppAndBrowser(); // the server, and the sharer's Chromium
let testerBrowser: Browser | undefined;
let testerSite: StaticServer | undefined;

beforeAll(async () => {
  const file = (name: string) =>
    readFileSync(new URL(`../support/usb-tester/${name}`, import.meta.url), 'utf8');
  const pages = Object.fromEntries(TESTER_FILES.map((name) => [`/${name}`, file(name)]));
  testerSite = await startStaticServer({ ...pages, '/': file('index.html') });
  testerBrowser = await launchChromium();
});
afterAll(async () => {
  await testerBrowser?.close();
  await testerSite?.close();
});

const hex = (bytes: readonly number[]) => bytes.map((b) => b.toString(16).padStart(2, '0')).join('');

/** The tester's summary of a configuration (tester.js `shape`), for Gadget Zero as Chrome shows it. */
function expectedConfigurations(): unknown {
  return new SimulatedUsbDevice().configurations.map((configuration) => ({
    value: configuration.configurationValue,
    interfaces: configuration.interfaces.map((iface) => ({
      number: iface.interfaceNumber,
      alternates: iface.alternates.map((alternate) => ({
        setting: alternate.alternateSetting,
        class: alternate.interfaceClass,
        endpoints: alternate.endpoints.map(
          (e) => `${e.type} ${e.direction} ${e.endpointNumber} ${e.packetSize}`,
        ),
      })),
    })),
  }));
}

interface Setup {
  device: Page;
  tester: Page;
  errors: string[][];
}

async function openTester(hash: string, initScript?: string): Promise<{ page: Page; errors: string[] }> {
  if (!testerBrowser || !testerSite) throw new Error('beforeAll has not run');
  const context = await testerBrowser.newContext();
  app.defer(() => context.close());
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  if (initScript) await page.addInitScript({ content: initScript });
  await page.goto(`${testerSite.url}${hash}`);
  return { page, errors };
}

async function sharingGadgetZero(): Promise<{ page: Page; errors: string[]; link: string }> {
  const sharer = await app.openPage('/', async (page) => {
    await page.addInitScript({ content: await fakeWebUsbInitScript({ gadgetZeros: 1 }) });
  });
  await sharer.page.getByTestId('share-usb-button').click();
  const field = sharer.page.getByTestId('share-link');
  await expect.poll(() => field.inputValue(), { timeout: 15_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  return { ...sharer, link: await field.inputValue() };
}

const ferryHash = (link: string) =>
  `#ferry=${encodeURIComponent(app.origin)}&link=${encodeURIComponent(link)}`;

async function settled(tester: Page, id: string, timeout = 20_000): Promise<string> {
  const output = tester.locator(`#${id}`);
  await expect.poll(() => output.textContent(), { timeout }).not.toMatch(/^(starting|…|)$/);
  return (await output.textContent()) ?? '';
}

async function click(tester: Page, button: string, output: string): Promise<string> {
  await tester.locator(`#${output}`).evaluate((element) => {
    element.textContent = '';
  });
  await tester.locator(`#${button}`).click();
  return settled(tester, output);
}

const unplug = (page: Page) =>
  page.evaluate(() => {
    const usb = (
      window as unknown as { __ferryFakeUsb: { unplug(d: unknown): void; getDevices(): Promise<unknown[]> } }
    ).__ferryFakeUsb;
    return usb.getDevices().then(([device]) => usb.unplug(device));
  });

const backends: Record<string, () => Promise<Setup>> = {
  'navigator.usb (the fake, in the tester page itself)': async () => {
    const tester = await openTester('', await fakeWebUsbInitScript({ gadgetZeros: 1 }));
    return { device: tester.page, tester: tester.page, errors: [tester.errors] };
  },
  "Ferry's connectUSB (the device shared from another browser and origin)": async () => {
    const sharer = await sharingGadgetZero();
    const tester = await openTester(ferryHash(sharer.link));
    await approveReceiver(sharer.page, { name: 'USB tester', permission: 'full' });
    return { device: sharer.page, tester: tester.page, errors: [sharer.errors, tester.errors] };
  },
};

describe.each(Object.entries(backends))('the USB tester app on %s', (_, setUp) => {
  it('shows Gadget Zero, refuses as Chrome does, runs control transfers, a stall, bulk loopback, sees it go', async () => {
    const { device, tester, errors } = await setUp();
    expect(await settled(tester, 'status')).toBe('ready');
    expect(await click(tester, 'request', 'status')).toBe('picked');
    expect(await tester.locator('#device-name').textContent()).toBe('Gadget Zero');
    expect(await tester.locator('#device-ids').textContent()).toBe('0525:a4a0');
    const configurations = JSON.parse((await tester.locator('#configurations').textContent()) ?? '');
    expect(configurations).toEqual(expectedConfigurations());

    await tester.locator('#control-request').fill('5c');
    await tester.locator('#control-length').fill('16');
    expect(await click(tester, 'control-in', 'control-result')).toBe(
      'InvalidStateError: The device must be opened first.',
    );
    expect(await click(tester, 'open', 'setup-result')).toBe('ok');

    // Vendor OUT 0x5b writes Gadget Zero's ep0 buffer; vendor IN 0x5c reads it back.
    const buffer = Array.from({ length: 16 }, (_, i) => (i * 37 + 5) & 0xff);
    await tester.locator('#control-request').fill('5b');
    await tester.locator('#control-data').fill(hex(buffer));
    expect(await click(tester, 'control-out', 'control-result')).toBe('ok 16');
    await tester.locator('#control-request').fill('5c');
    expect(await click(tester, 'control-in', 'control-result')).toBe(`ok ${hex(buffer)}`);
    await tester.locator('#control-value').fill('1'); // Gadget Zero stalls 0x5c with wValue 1
    expect(await click(tester, 'control-in', 'control-result')).toBe('stall ');

    await tester.locator('#transfer-data').fill('00');
    expect(await click(tester, 'transfer-out', 'transfer-result')).toBe(
      'NotFoundError: The specified endpoint is not part of a claimed and selected alternate interface.',
    );
    await tester.locator('#configuration').fill('2'); // loopback
    expect(await click(tester, 'select-configuration', 'setup-result')).toBe('configuration 2');
    expect(await click(tester, 'claim', 'setup-result')).toBe('claimed 0');
    const bulk = Array.from({ length: 100 }, (_, i) => (i * 7 + 3) & 0xff);
    await tester.locator('#transfer-data').fill(hex(bulk));
    expect(await click(tester, 'transfer-out', 'transfer-result')).toBe('ok 100');
    expect(await click(tester, 'transfer-in', 'transfer-result')).toBe(`ok ${hex(bulk)}`);

    await unplug(device);
    await expect
      .poll(() => tester.locator('#events li').allTextContents(), { timeout: 15_000 })
      .toEqual(['disconnect Gadget Zero']);
    await expect.poll(() => tester.locator('#devices li').count()).toBe(0);
    for (const list of errors) expect(list).toEqual([]);
  });
});

describe('Ferry refusing a USB request', () => {
  it('a vendor control transfer beyond an input-only grant rejects with SecurityError', async () => {
    const sharer = await sharingGadgetZero();
    const tester = await openTester(ferryHash(sharer.link));
    await approveReceiver(sharer.page, { name: 'USB tester', permission: 'input' });
    expect(await settled(tester.page, 'status')).toBe('ready');
    expect(await click(tester.page, 'request', 'status')).toBe('picked');
    expect(await click(tester.page, 'open', 'setup-result')).toBe('ok');
    await tester.page.locator('#control-request').fill('5c');
    await tester.page.locator('#control-length').fill('16');
    expect(await click(tester.page, 'control-in', 'control-result')).toBe(
      "SecurityError: The transfer was not allowed. The sharer's grant to this page does not allow it.",
    );
  });
});
