/**
 * Accessibility and layout of the pages, checked by axe-core in the real Chromium: no "serious" or
 * "critical" violation on the sharer page (before and after the demo shares) or on the receiver page.
 * Screenshots at desktop and phone size go to test-results/ui-screens/ (git-ignored) to look at.
 */

import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';

const SCREENS = 'test-results/ui-screens';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SIZES = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
} as const;

const app = useAppAndBrowser();
mkdirSync(SCREENS, { recursive: true });

async function openSized(path: string, size: keyof typeof SIZES): Promise<Page> {
  const context = await app.browser.newContext(SIZES[size]);
  app.defer(() => context.close());
  const page = await context.newPage();
  await page.goto(new URL(path, app.origin).href);
  return page;
}

/** The serious and critical violations axe finds, as "rule: target" lines (readable in a failure). */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') rightly refuses an inline tag.
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe;
    const results = await axe.run();
    return results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .flatMap((violation) =>
        violation.nodes.map((node) => `${violation.id}: ${JSON.stringify(node.target)}`),
      );
  });
  return found;
}

interface AxeResults {
  violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }>;
}

async function shareDemo(page: Page): Promise<string> {
  await page.getByTestId('demo-button').click();
  const link = page.getByTestId('share-link');
  await expect.poll(() => link.inputValue()).toContain('/s/');
  await expect.poll(() => page.getByTestId('share-code').textContent()).toMatch(/^\d+-[a-z]+-[a-z]+$/);
  return link.inputValue();
}

/** The element's box lies inside the viewport: it is on screen without scrolling. */
async function expectInViewport(page: Page, testId: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const box = await page.getByTestId(testId).boundingBox();
        const viewport = page.viewportSize();
        if (!box || !viewport) return false;
        return (
          box.y >= 0 &&
          box.y + box.height <= viewport.height &&
          box.x >= 0 &&
          box.x + box.width <= viewport.width
        );
      },
      { message: `${testId} is scrolled into view` },
    )
    .toBe(true);
}

describe('web app accessibility (axe-core)', () => {
  it('has no serious or critical violations on the sharer and receiver pages', async () => {
    const sharer = await openSized('/', 'desktop');
    expect(await seriousViolations(sharer)).toEqual([]);
    await sharer.screenshot({ path: `${SCREENS}/desktop-home.png`, fullPage: true });
    const link = await shareDemo(sharer);
    await expect.poll(() => sharer.getByTestId('share-qr').getAttribute('width')).not.toBeNull();
    expect(await seriousViolations(sharer)).toEqual([]);
    await sharer.screenshot({ path: `${SCREENS}/desktop-sharing.png`, fullPage: true });

    const receiver = await openSized(link, 'desktop');
    await approveReceiver(sharer, { permission: 'full' });
    await expect
      .poll(() => receiver.getByTestId('device-name').textContent(), { timeout: 20_000 })
      .toBe('SpaceNavigator (Ferry demo)');
    // With input, so the plots, their legends and the latency summary hold data when axe looks.
    await sharer.getByTestId('demo-axis-0').fill('150');
    await expect
      .poll(() => receiver.locator('[data-testid="plot-axis"][data-label="X"]').getAttribute('data-latest'))
      .toBe('150');
    expect(await seriousViolations(receiver)).toEqual([]);
    await receiver.screenshot({ path: `${SCREENS}/desktop-receiving.png`, fullPage: true });
  });

  it("has none on the receiver's USB panel with a decoded descriptor, the history and a stall hint", async () => {
    const sharer = await openSized('/', 'desktop');
    await sharer.getByTestId('usb-demo-button').click();
    const link = sharer.getByTestId('share-link');
    await expect.poll(() => link.inputValue()).toContain('/s/');
    const receiver = await openSized(await link.inputValue(), 'desktop');
    await approveReceiver(sharer, { permission: 'full' });
    const result = receiver.getByTestId('usb-result');
    await receiver.getByTestId('usb-preset-device').click({ timeout: 20_000 });
    await receiver.getByTestId('usb-control-send').click();
    await receiver.getByTestId('usb-decoded').waitFor();
    await receiver.getByTestId('usb-transfer-endpoint').selectOption('1');
    await receiver.getByTestId('usb-transfer-data').fill('ff');
    await receiver.getByTestId('usb-transfer-send').click();
    await receiver.getByTestId('usb-stall-hint').waitFor();
    await expect.poll(() => result.getAttribute('data-state')).toBe('failed');
    expect(await seriousViolations(receiver)).toEqual([]);
    await receiver.screenshot({ path: `${SCREENS}/desktop-receiving-usb.png`, fullPage: true });
  });
});

describe('web app layout on a phone', () => {
  it('scrolls the link, code and QR into view when the demo starts sharing', async () => {
    const sharer = await openSized('/', 'phone');
    await sharer.screenshot({ path: `${SCREENS}/phone-home.png` });
    await shareDemo(sharer);
    await expectInViewport(sharer, 'share-link');
    await expectInViewport(sharer, 'share-code');
    await expectInViewport(sharer, 'share-qr');
    await sharer.screenshot({ path: `${SCREENS}/phone-sharing.png` });
    expect(await seriousViolations(sharer)).toEqual([]);
  });
});
