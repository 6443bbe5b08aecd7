/**
 * Issue 13 item 1 for the receiver page's USB panels, as ui-keep.test.ts is for HID: a Chromium share
 * page shares the fake (Chrome-faithful) WebUSB Gadget Zero to a receiver page, and then vanishes with
 * no goodbye: its renderer is crashed (the page's SIGKILL: no pagehide, its peer connection and socket
 * just go). The receiver's USB panel stays, says it is reconnecting, and a control transfer made while
 * the link is down fails with a message that says so. The sharer comes back (a new tab of the same
 * browser profile resuming the share from the crashed tab's sessionStorage, the same Gadget Zero from
 * the origin's grant): the same panel element carries on, its history kept, and transfers work again.
 * Stopping the share (a goodbye) takes the panel away at once.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { allowAnyone } from '../support/approval.ts';
import { collectPageErrors } from '../support/browser.ts';
import { fakeWebUsbInitScript } from '../support/fake-webusb/bundle.ts';

const app = useAppAndBrowser();
const LINK_DOWN = /^The link to the sharer is down: the request waited 5 s for it to come back/;
/** Gadget Zero's device descriptor: 18 bytes, type 1, USB 2.01, vendor 0525 product a4a0. */
const DEVICE_DESCRIPTOR = /^ok · 18 bytes: 12 01 01 02 .* 25 05 a0 a4 /;

/** A share page with one fake Gadget Zero, letting anyone with the link in. */
async function usbSharer(): Promise<{ page: Page; errors: string[]; link: string }> {
  const script = await fakeWebUsbInitScript({ gadgetZeros: 1 });
  const sharer = await app.openPage('/', async (page) => {
    await page.addInitScript({ content: script });
  });
  await allowAnyone(sharer.page);
  await sharer.page.getByTestId('share-usb-button').click();
  const link = sharer.page.getByTestId('share-link');
  await expect.poll(() => link.inputValue(), { timeout: 20_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  return { ...sharer, link: await link.inputValue() };
}

/** A receiver page on `link`, once it shows the shared Gadget Zero. */
async function usbReceiver(link: string): Promise<{ page: Page; errors: string[] }> {
  const receiver = await app.openPage(link);
  await expect
    .poll(() => receiver.page.getByTestId('usb-device-name').textContent(), { timeout: 20_000 })
    .toBe('Gadget Zero');
  return receiver;
}

/** Crashes the page's renderer: it vanishes as a killed process does, saying goodbye to nobody. */
async function crash(page: Page): Promise<void> {
  const crashed = new Promise((done) => page.once('crash', done));
  const cdp = await page.context().newCDPSession(page);
  void cdp.send('Page.crash').catch(() => undefined); // never answered: the page is gone
  await crashed;
}

/**
 * The sharer coming back: a new tab in the crashed one's profile (the fake's grant lives in the
 * origin's localStorage, as Chrome keeps it outside the page) with the crashed tab's share in its
 * sessionStorage, which resumes the share as a reload would.
 */
async function returningSharer(crashed: Page, share: string): Promise<{ page: Page; errors: string[] }> {
  const page = await crashed.context().newPage();
  const errors = collectPageErrors(page);
  await page.addInitScript({ content: await fakeWebUsbInitScript({ gadgetZeros: 1 }) });
  await page.goto(new URL('/', app.origin).href);
  await page.evaluate((stored) => sessionStorage.setItem('ferry:share', stored), share);
  await page.reload();
  return { page, errors };
}

/** Sends the control (or the bulk/interrupt) form as it is filled and waits for its outcome. */
async function send(page: Page, button = 'usb-control-send') {
  const result = page.getByTestId('usb-result');
  await page.getByTestId(button).click();
  await expect.poll(() => result.getAttribute('data-state'), { timeout: 20_000 }).not.toBe('pending');
  return { state: await result.getAttribute('data-state'), text: await result.textContent() };
}

const mark = (panels: Locator) =>
  panels.evaluate((element) => {
    (element as unknown as { ferryMark: string }).ferryMark = 'first';
  });
const markOf = (panels: Locator) =>
  panels.evaluate((element) => (element as unknown as { ferryMark?: string }).ferryMark);

describe('the receiver page keeps a USB device while the link is down', () => {
  it('a sharer page that vanishes and comes back: the same panel, reconnecting while down, transfers again', async () => {
    const sharer = await usbSharer();
    const share = await sharer.page.evaluate(() => sessionStorage.getItem('ferry:share'));
    if (share === null) throw new Error('the share page stored no share to resume');
    const receiver = await usbReceiver(sharer.link);
    const { page } = receiver;
    const panels = page.locator('ferry-usb-device');
    const panel = page.getByTestId('usb-device-panel');
    const rows = page.getByTestId('usb-history-row');
    await page.getByTestId('usb-preset-device').click();
    expect(await send(page)).toMatchObject({ state: 'done', text: expect.stringMatching(DEVICE_DESCRIPTOR) });
    expect(await rows.count()).toBe(1);
    // Marks this very element: a panel removed and made again would not carry the mark.
    await mark(panels);

    await crash(sharer.page);
    await expect
      .poll(() => page.getByTestId('receive-state').getAttribute('data-phase'), { timeout: 30_000 })
      .not.toBe('connected');
    expect(await panels.count()).toBe(1);
    expect(await panel.getAttribute('data-state')).toBe('kept');
    expect(await page.getByTestId('usb-device-kept').textContent()).toMatch(/Reconnecting \(\d+ s\)/);
    expect(await panels.count()).toBe(1);
    expect(await markOf(panels)).toBe('first');
    // Nobody is sharing: a request waits for the link within its timeout, then says why it failed.
    expect(await send(page)).toMatchObject({ state: 'failed', text: expect.stringMatching(LINK_DOWN) });
    // A bulk IN has no timeout of its own (it may rightly wait for data): while down it too gives up.
    await page.getByTestId('usb-transfer-endpoint').selectOption(String(0x81));
    expect(await send(page, 'usb-transfer-send')).toMatchObject({
      state: 'failed',
      text: expect.stringMatching(LINK_DOWN),
    });
    expect(await panels.count()).toBe(1);

    // One more while down, then the sharer comes back: it completes over the new link, or (when the
    // link takes longer than the request's wait) fails the same clear way. It never hangs.
    const result = page.getByTestId('usb-result');
    await page.getByTestId('usb-control-send').click();
    const back = await returningSharer(sharer.page, share);
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 20_000 }).not.toBe('pending');
    expect(await result.textContent()).toMatch(new RegExp(`${DEVICE_DESCRIPTOR.source}|${LINK_DOWN.source}`));

    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    expect(await panels.count()).toBe(1);
    expect(await markOf(panels)).toBe('first');
    expect(await page.getByTestId('usb-device-kept').count()).toBe(0);
    const kept = await rows.count();
    expect(kept).toBeGreaterThanOrEqual(1); // the history from before the outage is still there
    expect(await send(page)).toMatchObject({ state: 'done', text: expect.stringMatching(DEVICE_DESCRIPTOR) });
    expect(await rows.count()).toBe(kept + 1);
    expect(await page.getByTestId('receive-state').getAttribute('data-phase')).toBe('connected');
    expect([...receiver.errors, ...back.errors]).toEqual([]);
  });

  it('Stop sharing (a goodbye) takes the USB panel away at once, not kept', async () => {
    const sharer = await usbSharer();
    const receiver = await usbReceiver(sharer.link);
    const panels = receiver.page.locator('ferry-usb-device');
    expect(await panels.count()).toBe(1);
    await sharer.page.getByTestId('stop-sharing').click();
    await expect.poll(() => panels.count(), { timeout: 20_000 }).toBe(0);
    expect(await receiver.page.getByTestId('usb-device-kept').count()).toBe(0);
    expect([...sharer.errors, ...receiver.errors]).toEqual([]);
  });
});
