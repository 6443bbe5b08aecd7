/**
 * Issue 6 in the web app: a Chromium share page holding a (fake, Chrome-faithful) Gadget Zero through
 * navigator.usb, the real server, WebRTC, and a receiver page in another profile that shows the device and
 * drives it: vendor control requests 0x5b/0x5c round-trip a buffer, and after selecting the loopback
 * configuration a bulk OUT comes back on bulk IN.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';
import { collectPageErrors, freshContext } from '../support/browser.ts';
import { fakeWebUsbInitScript } from '../support/fake-webusb/bundle.ts';

const SCREENSHOTS = process.env.FERRY_SCREENSHOTS; // a directory, when screenshots are wanted

const app = useAppAndBrowser();

async function openPage(url: string, initScript?: string): Promise<{ page: Page; errors: string[] }> {
  const context = await freshContext(app.browser);
  app.defer(() => context.close());
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  if (initScript) await page.addInitScript({ content: initScript });
  await page.goto(new URL(url, app.origin).href);
  return { page, errors };
}

async function shareLink(page: Page, button: string): Promise<string> {
  await page.getByTestId(button).click();
  const link = page.getByTestId('share-link');
  await expect.poll(() => link.inputValue(), { timeout: 15_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  return link.inputValue();
}

const hex = (bytes: readonly number[]) => bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(' ');

describe('web app: a USB device from a sharer page to a receiver page', () => {
  it('shows Gadget Zero, round-trips vendor control requests, and bulk loopback in configuration 2', async () => {
    const sharer = await openPage('/', await fakeWebUsbInitScript({ gadgetZeros: 1 }));
    const link = await shareLink(sharer.page, 'share-usb-button');
    const receiver = await openPage(link);
    const { page } = receiver;
    await approveReceiver(sharer.page, { permission: 'full' });

    await expect
      .poll(() => page.getByTestId('receive-state').getAttribute('data-phase'), { timeout: 20_000 })
      .toBe('connected');
    await expect.poll(() => page.getByTestId('usb-device-name').textContent()).toBe('Gadget Zero');
    expect(await page.getByTestId('usb-device-ids').textContent()).toContain('0525:a4a0');
    expect(await page.getByTestId('usb-endpoints').textContent()).toMatch(/bulk IN 0x81 \(512 B\)/);

    const result = page.getByTestId('usb-result');
    expect(await result.getAttribute('data-state')).toBe('idle');
    const send = async (testid: string) => {
      await page.getByTestId(testid).click();
      await expect.poll(() => result.getAttribute('data-state')).not.toBe('pending');
      return { state: await result.getAttribute('data-state'), text: await result.textContent() };
    };

    // Vendor OUT 0x5b writes Gadget Zero's ep0 buffer; vendor IN 0x5c reads it back (source/sink config).
    const buffer = Array.from({ length: 16 }, (_, i) => (i * 37 + 5) & 0xff);
    await page.getByTestId('usb-control-request-type').fill('0x40');
    await page.getByTestId('usb-control-request').fill('0x5b');
    await page.getByTestId('usb-control-data').fill(hex(buffer));
    expect(await send('usb-control-send')).toEqual({ state: 'done', text: 'ok · 16 bytes written' });
    await page.getByTestId('usb-control-request-type').fill('0xc0');
    await page.getByTestId('usb-control-request').fill('0x5c');
    await page.getByTestId('usb-control-length').fill('16');
    expect(await send('usb-control-send')).toEqual({ state: 'done', text: `ok · 16 bytes: ${hex(buffer)}` });

    // A request the device refuses shows its status: 0x5c with wValue 1 stalls.
    await page.getByTestId('usb-control-value').fill('1');
    expect(await send('usb-control-send')).toMatchObject({
      state: 'failed',
      text: expect.stringMatching(/^stall/),
    });

    // Loopback is configuration 2: select it, then bulk OUT 0x01 comes back on bulk IN 0x81.
    await page.getByTestId('usb-configuration').selectOption('2');
    expect(await send('usb-configuration-select')).toEqual({ state: 'done', text: 'ok · configuration 2' });
    const bulk = Array.from({ length: 100 }, (_, i) => (i * 7 + 3) & 0xff);
    await page.getByTestId('usb-transfer-endpoint').selectOption('1'); // OUT 0x01
    await page.getByTestId('usb-transfer-data').fill(hex(bulk));
    expect(await send('usb-transfer-send')).toEqual({ state: 'done', text: 'ok · 100 bytes written' });
    await page.getByTestId('usb-transfer-endpoint').selectOption(String(0x81));
    await page.getByTestId('usb-transfer-length').fill('512');
    expect(await send('usb-transfer-send')).toEqual({ state: 'done', text: `ok · 100 bytes: ${hex(bulk)}` });

    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/receiving-usb.png`, fullPage: true });

    // Unplugged on the sharer's side: the receiver's panel goes away, the session stays.
    await sharer.page.evaluate(() => {
      const usb = (
        window as unknown as {
          __ferryFakeUsb: { unplug(d: unknown): void; getDevices(): Promise<unknown[]> };
        }
      ).__ferryFakeUsb;
      return usb.getDevices().then(([device]) => usb.unplug(device));
    });
    await expect.poll(() => page.getByTestId('usb-device-name').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.getByTestId('receive-state').getAttribute('data-phase')).toBe('connected');
    expect(sharer.errors).toEqual([]);
    expect(receiver.errors).toEqual([]);
  });
});
