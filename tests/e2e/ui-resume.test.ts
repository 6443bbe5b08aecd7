/**
 * A reloaded sharer tab resumes its share (issue 13): the same session, the same link and code, the
 * device opened again from the origin's permission (no chooser), and a receiver page that stayed open
 * gets the device's reports again by itself. A receiver the sharer had approved comes back in with the
 * same permission and no second click (its re-admission ticket, docs/security.md). After "Stop sharing"
 * a reload starts from scratch.
 * Real Chromium, the real server, the Chrome-faithful fake navigator.hid with a corpus device.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  buildShareLink,
  createShareSecret,
  ReceiverSession,
  type RemoteDevice,
} from '../../src/transport/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { allowAnyone, approveReceiver } from '../support/approval.ts';
import { fakeDeviceFromCorpus } from '../support/fake-device-from-corpus.ts';
import { fakeWebUsbInitScript } from '../support/fake-webusb/bundle.ts';
import { installFakeWebHid } from '../support/install-fake.ts';
import { connectSignaling, nodeLinks } from '../support/node-peers.ts';

const DEVICE = 'sony-dualshock3-usb';
const app = useAppAndBrowser();

async function sharerPage(path = '/') {
  return app.openPage(path, (page) => installFakeWebHid(page, { devices: [fakeDeviceFromCorpus(DEVICE)] }));
}

/** A receiver waiting in a session it made (receiver first), in this process; it stays when the sharer goes. */
async function waitingNodeReceiver() {
  const secret = createShareSecret();
  const receiver = new ReceiverSession({
    signaling: await connectSignaling(app.origin),
    links: nodeLinks,
    iceServers: [],
    name: 'ci-box',
    auth: { link: secret },
    whenSharerLeaves: 'wait',
  });
  app.defer(() => receiver.close());
  const { sessionId } = await receiver.host();
  const devices: RemoteDevice[] = [];
  receiver.on('device', (device) => devices.push(device));
  return { link: buildShareLink(app.origin, sessionId, secret, 'receiver'), devices };
}

/** Resolves once `device` has delivered `count` input reports. */
function inputReports(device: RemoteDevice, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => device.onInput(() => ++seen === count && resolve()));
}

async function shareLink(page: Page): Promise<string> {
  const link = page.getByTestId('share-link');
  await expect.poll(() => link.inputValue(), { timeout: 20_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  return link.inputValue();
}

async function replay(page: Page, count: number): Promise<void> {
  await page.evaluate(
    (count) =>
      (
        window as unknown as { __ferryFakeHid: { replay(i: number, o: object): Promise<unknown> } }
      ).__ferryFakeHid.replay(0, { count, intervalMs: 2 }),
    count,
  );
}

/** The receiver page's count of input reports with id 1 (the DualShock 3's only input report). */
async function expectReports(view: Page, count: number): Promise<void> {
  await expect
    .poll(() => view.getByTestId('input-count-1').textContent(), { timeout: 20_000 })
    .toBe(String(count));
}

describe('web app: a reloaded sharer tab resumes its share', () => {
  it('keeps the link and code, re-opens the device, and the receiver page gets reports again', async () => {
    const sharer = await sharerPage();
    await allowAnyone(sharer.page);
    await sharer.page.getByTestId('share-button').click();
    const link = await shareLink(sharer.page);
    const code = await sharer.page.getByTestId('share-code').textContent();
    const receiver = await app.openPage(link);
    await expect
      .poll(() => receiver.page.getByTestId('receive-state').getAttribute('data-phase'), { timeout: 20_000 })
      .toBe('connected');
    await replay(sharer.page, 5);
    await expectReports(receiver.page, 5);
    // Marks the receiver's device panel element, to tell after the reload whether it is still the same.
    const panel = receiver.page.getByTestId('device-name');
    await panel.evaluate((element) => ((element as { ferryMark?: number }).ferryMark = 1));

    await sharer.page.reload();
    expect(await shareLink(sharer.page)).toBe(link);
    expect(await sharer.page.getByTestId('share-code').textContent()).toBe(code);
    await expect.poll(() => sharer.page.getByTestId('anyone-switch').isChecked()).toBe(true);
    // The device came back from getDevices() (no chooser) and is shared again.
    await expect
      .poll(() => sharer.page.getByRole('status').filter({ hasText: 'Sharing' }).textContent(), {
        timeout: 20_000,
      })
      .toContain('Sony');
    // The receiver page did nothing: it kept the device's panel while the page reloaded (a page that goes
    // says it is leaving), was called again, and the same panel streams on with its history.
    await expect
      .poll(() => receiver.page.getByTestId('receive-quality').getAttribute('data-reconnects'), {
        timeout: 20_000,
      })
      .toBe('1');
    await expect
      .poll(() => receiver.page.getByTestId('receive-state').getAttribute('data-phase'), { timeout: 20_000 })
      .toBe('connected');
    expect(await panel.evaluate((element) => (element as { ferryMark?: number }).ferryMark)).toBe(1);
    const before = Number(await receiver.page.getByTestId('input-count-1').textContent());
    expect(before).toBeGreaterThanOrEqual(5); // the 5 before the reload (and the neutral report at the outage)
    await replay(sharer.page, 7);
    await expectReports(receiver.page, before + 7);
    expect([...sharer.errors, ...receiver.errors]).toEqual([]);
  });

  it('lets a receiver it had approved back in after the reload: no second click, the same permission', async () => {
    const sharer = await sharerPage();
    await sharer.page.getByTestId('share-button').click();
    const link = await shareLink(sharer.page);
    const receiver = await app.openPage(link);
    await approveReceiver(sharer.page, { permission: 'input' });
    const permission = receiver.page.getByTestId('receive-permission');
    await expect.poll(() => permission.getAttribute('data-permission'), { timeout: 20_000 }).toBe('input');
    await expect
      .poll(() => receiver.page.getByTestId('receive-state').getAttribute('data-phase'), { timeout: 20_000 })
      .toBe('connected');

    await sharer.page.reload();
    expect(await shareLink(sharer.page)).toBe(link);
    // Nobody clicks: the receiver proves the ticket it was given with its approval, and is let back in.
    const approved = sharer.page.locator('[data-testid="status-peer"][data-state="open"]');
    await expect.poll(() => approved.count(), { timeout: 20_000 }).toBe(1);
    expect(await sharer.page.getByTestId('peer-permission').inputValue()).toBe('input');
    expect(await sharer.page.getByTestId('approval-prompt').count()).toBe(0);
    await expect
      .poll(() => sharer.page.getByRole('status').filter({ hasText: 'Sharing' }).textContent(), {
        timeout: 20_000,
      })
      .toContain('Sony');
    await expect
      .poll(() => receiver.page.getByTestId('receive-state').getAttribute('data-phase'), { timeout: 20_000 })
      .toBe('connected');
    expect(await permission.getAttribute('data-permission')).toBe('input');
    await replay(sharer.page, 3);
    await expectReports(receiver.page, 3);
    expect(await sharer.page.getByTestId('approval-prompt').count()).toBe(0);
    expect([...sharer.errors, ...receiver.errors]).toEqual([]);
  });

  it('a page shared to a waiting receiver (`/r/` link) shares the same device to it again after a reload', async () => {
    const { link, devices } = await waitingNodeReceiver();
    const sharer = await sharerPage(link);
    await sharer.page.getByTestId('share-button').click();
    await approveReceiver(sharer.page);
    await expect.poll(() => devices.length, { timeout: 20_000 }).toBe(1);
    const first = inputReports(devices[0]!, 4);
    await replay(sharer.page, 4);
    await first;

    await sharer.page.reload();
    // No click at all: the device comes back from getDevices(), and the receiver's ticket lets it in.
    await expect.poll(() => devices.length, { timeout: 20_000 }).toBe(2);
    expect(await sharer.page.getByTestId('approval-prompt').count()).toBe(0);
    expect(devices[0]!.closed).toBe(true);
    const again = inputReports(devices[1]!, 5);
    await replay(sharer.page, 5);
    await again;
    expect(devices[1]!.announcement.productName).toMatch(/Sony/);
    expect(sharer.errors).toEqual([]);
  });

  it('a duplicated tab does not take the share over: it is told, and starts afresh', async () => {
    const sharer = await sharerPage();
    await sharer.page.getByTestId('share-button').click();
    const link = await shareLink(sharer.page);
    // What Chrome's "Duplicate tab" does: the new tab starts with a copy of the tab's sessionStorage.
    const kept = await sharer.page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
    const copy = await sharerPage('/').then(async ({ page }) => {
      await page.evaluate((entries) => {
        for (const [key, value] of JSON.parse(entries) as Array<[string, string]>)
          sessionStorage.setItem(key, value);
      }, kept);
      await page.reload();
      return page;
    });
    await expect
      .poll(() => copy.getByTestId('share-error').textContent(), { timeout: 20_000 })
      .toContain('running in another tab');
    expect(await copy.evaluate(() => sessionStorage.getItem('ferry:share'))).toBeNull();
    expect(await sharer.page.getByTestId('share-link').inputValue()).toBe(link);
    await copy.reload();
    await copy.getByTestId('share-button').waitFor();
    expect(await copy.getByTestId('share-error').count()).toBe(0);
  });

  it('re-opens a USB (WebUSB) device from the origin’s grant, and the receiver page gets it again', async () => {
    const script = await fakeWebUsbInitScript({ gadgetZeros: 1 });
    const sharer = await app.openPage('/', async (page) => {
      await page.addInitScript({ content: script });
    });
    await allowAnyone(sharer.page);
    await sharer.page.getByTestId('share-usb-button').click();
    const link = await shareLink(sharer.page);
    const receiver = await app.openPage(link);
    const name = receiver.page.getByTestId('usb-device-name');
    await expect.poll(() => name.textContent(), { timeout: 20_000 }).toBe('Gadget Zero');

    await sharer.page.reload();
    expect(await shareLink(sharer.page)).toBe(link);
    await expect
      .poll(() => sharer.page.getByRole('status').filter({ hasText: 'Sharing' }).textContent(), {
        timeout: 20_000,
      })
      .toContain('Gadget Zero');
    await expect.poll(() => name.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => name.textContent(), { timeout: 20_000 }).toBe('Gadget Zero');
    await expect
      .poll(() => receiver.page.getByTestId('receive-state').getAttribute('data-phase'), { timeout: 20_000 })
      .toBe('connected');
    expect([...sharer.errors, ...receiver.errors]).toEqual([]);
  });

  it('starts afresh after Stop sharing: a reload shows no share and the next one gets a new link', async () => {
    const sharer = await sharerPage();
    await sharer.page.getByTestId('share-button').click();
    const first = await shareLink(sharer.page);
    await sharer.page.getByTestId('stop-sharing').click();
    await expect.poll(() => sharer.page.getByTestId('share-link').count()).toBe(0);

    await sharer.page.reload();
    await sharer.page.getByTestId('share-button').waitFor();
    expect(await sharer.page.getByTestId('share-link').count()).toBe(0);
    await sharer.page.getByTestId('share-button').click();
    const second = await shareLink(sharer.page);
    expect(second).not.toBe(first);
    expect(sharer.errors).toEqual([]);
  });
});
