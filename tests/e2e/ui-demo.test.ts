/**
 * The web app end to end: the real server, two real Chromium pages (separate profiles), WebRTC over
 * loopback. The sharer shares the demo SpaceNavigator; the receiver opens its link and drives it.
 */
import wrtc from '@roamhq/wrtc';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import {
  buildShortCode,
  type ChannelAuth,
  createCodeWords,
  createShareSecret,
  ReceiverSession,
  type RemoteDevice,
  SignalingClient,
  simplePeerLinks,
  type WebSocketConstructor,
} from '../../src/transport/index.ts';
import { approveReceiver } from '../support/approval.ts';
import { collectPageErrors, freshContext, launchChromium } from '../support/browser.ts';

const SCREENSHOTS = process.env.FERRY_SCREENSHOTS; // a directory, when screenshots are wanted

let server: FerryServer;
let browser: Browser;

beforeAll(async () => {
  server = await createFerryServer({ port: 0, staticDir: 'dist' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Report 1 of the SpaceNavigator: X, Y, Z as int16 little-endian, as hex the way the page shows it. */
function expectedAxesHex(x: number, y: number, z: number): string {
  const bytes = new Uint8Array(6);
  const view = new DataView(bytes.buffer);
  view.setInt16(0, x, true);
  view.setInt16(2, y, true);
  view.setInt16(4, z, true);
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

async function openPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await freshContext(browser);
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(new URL(path, `http://localhost:${server.port}`).href);
  return { page, errors };
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

describe('web app: demo device from a sharer page to a receiver page', () => {
  it('streams input, carries an output report to the LED, and round-trips a feature report', async () => {
    const sharer = await openPage('/');
    await screenshot(sharer.page, 'home');
    await sharer.page.getByTestId('demo-button').click();

    const linkInput = sharer.page.getByTestId('share-link');
    await expect
      .poll(() => linkInput.inputValue())
      .toMatch(/^http:\/\/localhost:\d+\/s\/[\w-]{22}#[\w-]{22}$/);
    await expect
      .poll(() => sharer.page.getByTestId('share-code').textContent())
      .toMatch(/^\d+-[a-z]+-[a-z]+$/);
    const link = await linkInput.inputValue();

    const receiver = await openPage(link);
    const state = receiver.page.getByTestId('receive-state');
    await approveReceiver(sharer.page, { permission: 'full' });
    await expect.poll(() => state.getAttribute('data-phase'), { timeout: 20_000 }).toBe('connected');
    await expect
      .poll(() => receiver.page.getByTestId('device-name').textContent())
      .toBe('SpaceNavigator (Ferry demo)');
    expect(await receiver.page.getByTestId('device-ids').textContent()).toContain('0x046D');
    await expect.poll(() => sharer.page.getByTestId('status-peers').textContent()).toContain('connected');

    // Input: displace X and Z; the demo streams report 1 while displaced.
    await sharer.page.getByTestId('demo-axis-0').fill('100');
    await sharer.page.getByTestId('demo-axis-2').fill('-5');
    await expect
      .poll(() => receiver.page.getByTestId('input-hex-1').textContent(), { timeout: 10_000 })
      .toBe(expectedAxesHex(100, 0, -5));
    await expect
      .poll(async () => Number(await receiver.page.getByTestId('input-count-1').textContent()))
      .toBeGreaterThan(1);

    // Output report 4 bit 0 is the LED.
    const led = sharer.page.getByTestId('demo-led');
    expect(await led.getAttribute('data-state')).toBe('off');
    await receiver.page.getByTestId('output-report-id').selectOption('4');
    await receiver.page.getByTestId('output-data').fill('01');
    await receiver.page.getByTestId('output-send').click();
    await expect.poll(() => receiver.page.getByTestId('output-result').textContent()).toBe('sent');
    await expect.poll(() => led.getAttribute('data-state')).toBe('on');

    // Feature report 5 (one byte): set, then get it back.
    const feature = receiver.page.getByTestId('feature-result');
    await receiver.page.getByTestId('feature-report-id').selectOption('5');
    await receiver.page.getByTestId('feature-data').fill('2a');
    await receiver.page.getByTestId('feature-set').click();
    await expect.poll(() => feature.textContent()).toBe('set');
    await receiver.page.getByTestId('feature-get').click();
    await expect.poll(() => feature.textContent()).toBe('2a');

    await expect
      .poll(async () => Number(await sharer.page.getByTestId('status-reports').textContent()))
      .toBeGreaterThan(0);
    await screenshot(sharer.page, 'sharing');
    await screenshot(receiver.page, 'receiving');

    // When the sharer goes away, the receiver says so.
    await sharer.page.close();
    await expect.poll(() => state.getAttribute('data-phase'), { timeout: 10_000 }).toBe('ended');
    await screenshot(receiver.page, 'ended');

    expect(sharer.errors).toEqual([]);
    expect(receiver.errors).toEqual([]);
  });
});

describe('web app: the other ways to meet', () => {
  it('receives by typing the short code on the home page', async () => {
    const sharer = await openPage('/');
    await sharer.page.getByTestId('demo-button').click();
    const code = sharer.page.getByTestId('share-code');
    await expect.poll(() => code.textContent()).toMatch(/^\d+-[a-z]+-[a-z]+$/);

    const receiver = await openPage('/');
    await receiver.page.getByTestId('code-input').fill(` ${(await code.textContent())?.toUpperCase()} `);
    await receiver.page.getByTestId('code-join').click();
    await expect.poll(() => new URL(receiver.page.url()).pathname).toBe('/code');
    await approveReceiver(sharer.page);
    await expect
      .poll(() => receiver.page.getByTestId('receive-state').getAttribute('data-phase'), { timeout: 20_000 })
      .toBe('connected');
    await expect
      .poll(() => receiver.page.getByTestId('device-name').textContent())
      .toBe('SpaceNavigator (Ferry demo)');
    await sharer.page.getByTestId('demo-axis-1').fill('-2');
    await expect
      .poll(() => receiver.page.getByTestId('input-hex-1').textContent())
      .toBe(expectedAxesHex(0, -2, 0));

    await sharer.page.context().close();
    await receiver.page.context().close();
    expect([...sharer.errors, ...receiver.errors]).toEqual([]);
  });

  it('opens a receiver-first link (/r/…): names the waiting receiver, then shares the demo with it', async () => {
    const { receiver, sessionId, secret, devices, problems, close } = await waitingNodeReceiver('Lab PC');
    try {
      const sharer = await openPage(`/r/${sessionId}#${secret}`);
      await expect.poll(() => sharer.page.getByTestId('receiver-heading').textContent()).toContain('Lab PC');
      await screenshot(sharer.page, 'share-to-receiver');
      await approveReceiver(sharer.page, { name: 'Lab PC' });
      await sharer.page.getByTestId('demo-button').click();
      // The receiver's problems are in the polled value so that a failure says why the device never came.
      await expect
        .poll(() => [...devices.map((device) => device.announcement.productName), ...problems], {
          timeout: 20_000,
        })
        .toEqual(['SpaceNavigator (Ferry demo)']);
      expect(receiver.connected).toBe(true);
      await expect.poll(() => sharer.page.getByTestId('status-peers').textContent()).toContain('Lab PC');
      await sharer.page.context().close();
      expect(sharer.errors).toEqual([]);
    } finally {
      close();
    }
  });

  it("shares to a waiting receiver's code typed on the home page", async () => {
    const words = createCodeWords();
    const { devices, problems, nameplate, close } = await waitingNodeReceiver('Bench rig', {
      code: words.join('-'),
    });
    try {
      const sharer = await openPage('/');
      await sharer.page.getByTestId('receiver-code-input').fill(buildShortCode(nameplate, words));
      await sharer.page.getByTestId('demo-button').click();
      await approveReceiver(sharer.page, { name: 'Bench rig' });
      await expect
        .poll(() => [...devices.map((device) => device.announcement.productName), ...problems], {
          timeout: 20_000,
        })
        .toEqual(['SpaceNavigator (Ferry demo)']);
      await expect.poll(() => sharer.page.getByTestId('status-peers').textContent()).toContain('Bench rig');
      await sharer.page.context().close();
      expect(sharer.errors).toEqual([]);
    } finally {
      close();
    }
  });
});

/** A headless receiver in this process that created its session first, like `ferry receive` with no argument. */
async function waitingNodeReceiver(name: string, auth?: ChannelAuth) {
  const secret = createShareSecret();
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  await signaling.connect(`ws://localhost:${server.port}/signal`);
  const receiver = new ReceiverSession({
    signaling,
    links: simplePeerLinks(wrtc),
    iceServers: [],
    name,
    auth: auth ?? { link: secret },
  });
  const devices: RemoteDevice[] = [];
  const problems: string[] = [];
  receiver.on('device', (device) => devices.push(device));
  receiver.on('problem', (error) => problems.push(error.message));
  const { sessionId, nameplate } = await receiver.host();
  return { receiver, sessionId, nameplate, secret, devices, problems, close: () => receiver.close() };
}
