/**
 * The pages on a phone: nothing wider than the screen (a QR code is scanned from a phone, a link opened
 * on one), and the report tables and forms still reachable. Set FERRY_SCREENSHOTS=<dir> to keep pictures.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFerryServer, type FerryServer } from '../../signaling/index.ts';
import { approvalPrompt, approveReceiver } from '../support/approval.ts';
import { collectPageErrors, launchChromium } from '../support/browser.ts';

const SCREENSHOTS = process.env.FERRY_SCREENSHOTS;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

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

async function phonePage(path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(new URL(path, `http://localhost:${server.port}`).href);
  return { page, errors };
}

async function expectNoSidewaysScroll(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await savePhoneScreens(page, name);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} is wider than the screen`).toBeLessThanOrEqual(0);
}

/** Full-page phone pictures are too tall to look at; keep them a few screens each. */
async function savePhoneScreens(page: Page, name: string): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const screen = PHONE.viewport.height * 1.5;
  for (let part = 0, top = 0; top < height && part < 4; part++, top += screen) {
    const clip = { x: 0, y: top, width: PHONE.viewport.width, height: Math.min(screen, height - top) };
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-${part + 1}.png`, fullPage: true, clip });
  }
}

describe('web app on a phone', () => {
  it('fits the screen when sharing and when receiving', async () => {
    const sharer = await phonePage('/');
    await expectNoSidewaysScroll(sharer.page, 'phone-home');
    await sharer.page.getByTestId('demo-button').click();
    const link = sharer.page.getByTestId('share-link');
    await expect.poll(() => link.inputValue()).toContain('/s/');
    await expectNoSidewaysScroll(sharer.page, 'phone-sharing');

    const receiver = await phonePage(await link.inputValue());
    await approvalPrompt(sharer.page);
    await expectNoSidewaysScroll(sharer.page, 'phone-approval');
    await approveReceiver(sharer.page);
    await expect
      .poll(() => receiver.page.getByTestId('device-name').textContent(), { timeout: 20_000 })
      .toBe('SpaceNavigator (Ferry demo)');
    await sharer.page.getByTestId('demo-axis-3').fill('350');
    await expect.poll(() => receiver.page.getByTestId('input-hex-2').textContent()).toBe('5e 01 00 00 00 00');
    await receiver.page.getByText('Collections and reports').click();
    await expectNoSidewaysScroll(receiver.page, 'phone-receiving');

    await sharer.page.context().close();
    await receiver.page.context().close();
    expect([...sharer.errors, ...receiver.errors]).toEqual([]);
  });

  it('explains a link that lost its secret', async () => {
    const { page } = await phonePage('/s/AAAAAAAAAAAAAAAAAAAAAA');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('missing its secret');
    await expectNoSidewaysScroll(page, 'phone-bad-link');
    await page.context().close();
  });
});
