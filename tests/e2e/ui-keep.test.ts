/**
 * Issue 13 item 1 for the receiver page: the device outlives the link. A Node sharer process shares a
 * mouse to a receiver page and is SIGKILLed (no goodbye); the page keeps the device's panel, greyed
 * and saying it is reconnecting, and when a new sharer process re-joins the session with the same
 * secret the same panel element carries on: its input history goes on counting from where it was.
 * A device the sharer removes while the link is up (as stopping the share does, before its goodbye)
 * takes its panel away at once, as before.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WebHidSource } from '../../src/devices/index.ts';
import { SharerSession } from '../../src/transport/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { connectSignaling, nodeLinks, simulatedCorpusDevice } from '../support/node-peers.ts';
import {
  type NodeSharerOptions,
  type NodeSharerProcess,
  sessionOf,
  startNodeSharer,
} from '../support/node-sharer.ts';

const MOUSE = 'genius-gila-mouse-if0';
const app = useAppAndBrowser();

function sharerProcess(options: NodeSharerOptions): NodeSharerProcess {
  const sharer = startNodeSharer(app.origin, options);
  app.defer(() => sharer.child.kill('SIGKILL'));
  return sharer;
}

async function killed(sharer: NodeSharerProcess): Promise<void> {
  const exited = new Promise((done) => sharer.child.once('exit', done));
  sharer.child.kill('SIGKILL');
  await exited;
}

/** The page of a share link, opened on the app's origin. */
async function receiverPage(link: string): Promise<Page> {
  const url = new URL(link);
  const { page, errors } = await app.openPage(`${url.pathname}${url.hash}`);
  app.defer(() => expect(errors).toEqual([]));
  return page;
}

/** The input count of the panel's (only) report id. */
async function inputCount(panel: Locator): Promise<number> {
  return Number(await panel.locator('[data-testid^="input-count-"]').first().textContent());
}

describe('the receiver page keeps a device while the link is down', () => {
  it('a sharer killed and another re-joining: the same panel, reconnecting while down, input resumes into it', async () => {
    const first = sharerProcess({ device: MOUSE, holdMs: 20 });
    const link = await first.link;
    const page = await receiverPage(link);
    const panels = page.locator('ferry-remote-device');
    const panel = page.getByTestId('device-panel');
    await expect.poll(() => inputCount(panel), { timeout: 20_000 }).toBeGreaterThan(5);
    // Marks this very element: a panel removed and made again would not carry the mark.
    await panels.evaluate((element) => element.setAttribute('data-mark', 'first'));

    await killed(first);
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 30_000 }).toBe('kept');
    expect(await page.getByTestId('device-kept').textContent()).toMatch(/Reconnecting \(\d+ s\)/);
    expect(await panels.count()).toBe(1);
    expect(await panels.getAttribute('data-mark')).toBe('first');
    const before = await inputCount(panel);

    await sharerProcess({ device: MOUSE, holdMs: 20, join: sessionOf(link) }).link;
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    // The history went on: the count carries on from what it was, it did not start again.
    await expect.poll(() => inputCount(panel), { timeout: 20_000 }).toBeGreaterThan(before + 5);
    expect(await panels.count()).toBe(1);
    expect(await panels.getAttribute('data-mark')).toBe('first');
    expect(await page.getByTestId('device-kept').count()).toBe(0);
  });

  it('a device the sharer removes while the link stays up leaves its panel at once, not kept', async () => {
    const secret = 'G'.repeat(22);
    const { sharer, index } = await inProcessSharer(secret);
    const { sessionId } = await sharer.host();
    const page = await receiverPage(`${app.origin}/s/${sessionId}#${secret}`);
    const panels = page.locator('ferry-remote-device');
    await expect.poll(() => panels.count(), { timeout: 20_000 }).toBe(1);
    sharer.removeDevice(index);
    await expect.poll(() => panels.count(), { timeout: 20_000 }).toBe(0);
    expect(await page.getByTestId('device-kept').count()).toBe(0);
    expect(await page.getByTestId('receive-state').getAttribute('data-phase')).toBe('connected');
  });
});

async function inProcessSharer(secret: string): Promise<{ sharer: SharerSession; index: number }> {
  const sharer = new SharerSession({
    signaling: await connectSignaling(app.origin),
    links: nodeLinks,
    iceServers: [],
    name: 'desk',
    auth: { link: secret },
    approval: 'anyone',
  });
  app.defer(() => sharer.close());
  const { device } = simulatedCorpusDevice('sony-dualshock3-usb');
  await device.open();
  const index = sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget()));
  return { sharer, index };
}
