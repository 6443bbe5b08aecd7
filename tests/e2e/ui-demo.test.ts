/**
 * The web app end to end: the real server, two real Chromium pages (separate profiles), WebRTC over
 * loopback. The sharer shares the demo SpaceNavigator; the receiver opens its link and drives it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { approveReceiver } from '../support/approval.ts';
import { collectPageErrors, freshContext, launchChromium } from '../support/browser.ts';
import { startFerryReceive } from '../support/ferry-process.ts';

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

    // When the sharer goes away, the receiver says so (and stays, in case it comes back).
    await sharer.page.close();
    await expect.poll(() => state.getAttribute('data-phase'), { timeout: 10_000 }).toBe('no-sharer');
    expect(await state.textContent()).toMatch(/The sharer has left/);
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

  it('opens the /r/ link of a waiting `ferry receive`: names it, then shares the demo with it', async () => {
    // The real CLI, as users run it (the short-code way in is in share-hid.test.ts, byte for byte).
    const receive = startFerryReceive(['--signal', `http://localhost:${server.port}`, '--name', 'Lab PC']);
    try {
      const link = await receive.waitForLine(() => true);
      const sharer = await openPage(new URL(link).pathname + new URL(link).hash);
      await expect.poll(() => sharer.page.getByTestId('receiver-heading').textContent()).toContain('Lab PC');
      await screenshot(sharer.page, 'share-to-receiver');
      await approveReceiver(sharer.page, { name: 'Lab PC' });
      await sharer.page.getByTestId('demo-button').click();
      await receive.waitForLine((line) => line === 'N: SpaceNavigator (Ferry demo)');
      // Nobody typed a name on the page: the receiver sees which browser on which system shares.
      expect(receive.stderr).toContain('ferry: paired with Chrome on Linux');
      await expect
        .poll(() => sharer.page.getByTestId('receiver-heading').textContent())
        .toMatch(/^\s*Sharing with Lab PC\s*$/);
      await expect.poll(() => sharer.page.getByTestId('status-peers').textContent()).toContain('Lab PC');
      // Y pushed to -2: report 1 is X, Y, Z as int16 little-endian, and the CLI prints exactly those bytes.
      await sharer.page.getByTestId('demo-axis-1').fill('-2');
      await receive.waitForLine((line) => line.endsWith(` 7 01 ${expectedAxesHex(0, -2, 0)}`));
      await sharer.page.context().close();
      expect(sharer.errors).toEqual([]);
      expect(await receive.exited).toBe(0);
    } finally {
      receive.child.kill('SIGKILL');
    }
  });
});
