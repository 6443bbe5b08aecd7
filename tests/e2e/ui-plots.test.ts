/**
 * The receiver page's plots in real Chromium, fed by the demo SpaceNavigator over real WebRTC: the axis
 * chart's data follows a slider, the button timeline records a press, the latency histogram counts.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';

const app = useAppAndBrowser();

async function shareDemoAndReceive(): Promise<{
  sharer: Page;
  receiver: Page;
  errors: string[];
  link: string;
}> {
  const sharer = await app.openPage('/');
  await sharer.page.getByTestId('demo-button').click();
  const linkInput = sharer.page.getByTestId('share-link');
  await expect.poll(() => linkInput.inputValue()).toMatch(/\/s\//);
  const link = await linkInput.inputValue();
  const receiver = await app.openPage(link);
  await approveReceiver(sharer.page);
  await expect
    .poll(() => receiver.page.getByTestId('receive-state').getAttribute('data-phase'), { timeout: 20_000 })
    .toBe('connected');
  await receiver.page.getByTestId('plot-axes').waitFor();
  return {
    sharer: sharer.page,
    receiver: receiver.page,
    errors: [...sharer.errors, ...receiver.errors],
    link,
  };
}

/** The newest value of each axis series in the uPlot chart's own data, read through the element. */
function chartLatest(page: Page): Promise<Record<string, number | undefined>> {
  return page.locator('ferry-input-plots').evaluate((element) => {
    const plots = element as HTMLElement & { chartData(): ArrayLike<number>[]; axisLabels(): string[] };
    const data = plots.chartData();
    const newest = (column: ArrayLike<number> | undefined) => column?.[column.length - 1];
    return Object.fromEntries(plots.axisLabels().map((label, index) => [label, newest(data[index + 1])]));
  });
}

describe('receiver page: plots of the input', () => {
  it('plots the axes as they move, a button press on the timeline, and counts report ages', async () => {
    const { sharer, receiver, errors } = await shareDemoAndReceive();
    const axes = receiver.getByTestId('plot-axis');
    expect(await axes.evaluateAll((items) => items.map((item) => item.getAttribute('data-label')))).toEqual([
      'X',
      'Y',
      'Z',
      'Rx',
      'Ry',
      'Rz',
    ]);

    await sharer.getByTestId('demo-axis-0').fill('120');
    await sharer.getByTestId('demo-axis-5').fill('-40');
    const x = receiver.locator('[data-testid="plot-axis"][data-label="X"]');
    await expect.poll(() => x.getAttribute('data-latest'), { timeout: 10_000 }).toBe('120');
    await expect
      .poll(() => receiver.locator('[data-testid="plot-axis"][data-label="Rz"]').getAttribute('data-latest'))
      .toBe('-40');
    await expect.poll(async () => (await chartLatest(receiver)).X).toBe(120);
    expect((await chartLatest(receiver)).Rz).toBe(-40);
    await sharer.getByTestId('demo-axis-0').fill('-75');
    await expect.poll(async () => (await chartLatest(receiver)).X).toBe(-75);

    const button = receiver.locator('[data-testid="plot-button"][data-label="Button 1"]');
    expect(await button.getAttribute('data-presses')).toBe('0');
    const demoButton = sharer.getByTestId('demo-button-0');
    await demoButton.hover();
    await sharer.mouse.down();
    await expect.poll(() => button.getAttribute('data-down')).toBe('true');
    await sharer.mouse.up();
    await expect.poll(() => button.getAttribute('data-down')).toBe('false');
    expect(await button.getAttribute('data-presses')).toBe('1');
    expect(
      await receiver
        .locator('[data-testid="plot-button"][data-label="Button 2"]')
        .getAttribute('data-presses'),
    ).toBe('0');

    const summary = receiver.getByTestId('latency-summary');
    const total = async () => Number(await summary.getAttribute('data-total'));
    const before = await total();
    expect(before).toBeGreaterThan(0);
    await sharer.getByTestId('demo-axis-1').fill('33');
    await expect.poll(total).toBeGreaterThan(before);
    const { counts, all } = await summary.evaluate((element) => ({
      counts: (element.getAttribute('data-counts') ?? '').split(',').map(Number),
      all: Number(element.getAttribute('data-total')),
    }));
    expect(counts).toHaveLength(10);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(all);
    expect(errors).toEqual([]);
  });

  it("shows the link's quality on both pages: STUN checks, bytes on the wire, no reconnects yet", async () => {
    const { sharer, receiver, errors } = await shareDemoAndReceive();
    const quality = receiver.getByTestId('receive-quality');
    await expect
      .poll(async () => Number(await quality.getAttribute('data-checks-sent')), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await quality.getAttribute('data-reconnects')).toBe('0');
    expect(await quality.textContent()).toMatch(
      /STUN checks answered \d+ of \d+ · \d+ packets? discarded on send/,
    );
    // The demo streams while displaced; the sharer's wire rate to this receiver follows.
    await sharer.getByTestId('demo-axis-2').fill('200');
    const link = sharer.getByTestId('status-link');
    await expect
      .poll(async () => Number(await link.getAttribute('data-wire-rate')), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await link.textContent()).toMatch(/B\/s on the wire · STUN checks answered/);
    expect(errors).toEqual([]);
  });

  it('counts a reconnect when a sharer comes back to the session', async () => {
    const { sharer, receiver, errors, link } = await shareDemoAndReceive();
    const state = receiver.getByTestId('receive-state');
    await sharer.context().close();
    await expect.poll(() => state.getAttribute('data-phase'), { timeout: 10_000 }).toBe('no-sharer');
    // The share's link with /r/ shares to the receivers waiting in the session (README).
    const again = await app.openPage(link.replace('/s/', '/r/'));
    await again.page.getByTestId('demo-button').click();
    await approveReceiver(again.page);
    await expect.poll(() => state.getAttribute('data-phase'), { timeout: 20_000 }).toBe('connected');
    const quality = receiver.getByTestId('receive-quality');
    await expect.poll(() => quality.getAttribute('data-reconnects'), { timeout: 10_000 }).toBe('1');
    expect(await quality.textContent()).toContain('reconnected 1×');
    expect([...errors, ...again.errors]).toEqual([]);
  });
});
