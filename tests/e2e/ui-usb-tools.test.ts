/**
 * The receiver page's USB tools in real Chromium, on the share page's demo Gadget Zero over real WebRTC:
 * presets fill the control form, GET_DESCRIPTOR replies are decoded into fields that match the simulated
 * device, transfers land in the history, a stalled endpoint shows the clear-halt hint, and an alternate
 * setting can be selected.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { GADGET_ZERO, GADGET_ZERO_STRINGS } from '../../src/devices/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';

const app = useAppAndBrowser();
const hex4 = (value: number) => `0x${value.toString(16).padStart(4, '0')}`;

async function receiveDemoUsb(): Promise<{ page: Page; errors: string[] }> {
  const sharer = await app.openPage('/');
  await sharer.page.getByTestId('usb-demo-button').click();
  const link = sharer.page.getByTestId('share-link');
  await expect.poll(() => link.inputValue(), { timeout: 15_000 }).toMatch(/\/s\//);
  const receiver = await app.openPage(await link.inputValue());
  await approveReceiver(sharer.page, { permission: 'full' });
  await expect
    .poll(() => receiver.page.getByTestId('usb-device-name').textContent(), { timeout: 20_000 })
    .toBe('Gadget Zero');
  return { page: receiver.page, errors: [...sharer.errors, ...receiver.errors] };
}

describe('receiver page: USB presets, decoded descriptors, history, stalls', () => {
  it('reads and decodes descriptors by preset, lists transfers, hints at a stall and clears it', async () => {
    const { page, errors } = await receiveDemoUsb();
    const result = page.getByTestId('usb-result');
    const send = async (testid: string) => {
      await page.getByTestId(testid).click();
      await expect.poll(() => result.getAttribute('data-state')).not.toBe('pending');
      return result.textContent();
    };
    const field = (name: string) =>
      page.locator(`[data-testid="usb-decoded"] [data-field="${name}"] dd`).textContent();

    await page.getByTestId('usb-preset-device').click();
    const form = {
      requestType: await page.getByTestId('usb-control-request-type').inputValue(),
      request: await page.getByTestId('usb-control-request').inputValue(),
      value: await page.getByTestId('usb-control-value').inputValue(),
      length: await page.getByTestId('usb-control-length').inputValue(),
    };
    expect(form).toEqual({ requestType: '0x80', request: '0x06', value: '0x0100', length: '18' });
    expect(await send('usb-control-send')).toMatch(/^ok · 18 bytes: 12 01 /);
    await expect
      .poll(() => page.getByTestId('usb-decoded').getAttribute('data-title'))
      .toBe('Device descriptor');
    expect(await field('idVendor')).toBe(hex4(GADGET_ZERO.vendorId));
    expect(await field('idProduct')).toBe(hex4(GADGET_ZERO.productId));
    expect(await field('bcdDevice')).toBe('1.00');

    await page.getByTestId('usb-preset-product').click();
    await send('usb-control-send');
    await expect.poll(() => field('bString')).toBe(GADGET_ZERO_STRINGS[2]);

    await page.getByTestId('usb-preset-configuration').click();
    await send('usb-control-send');
    // Source/sink is listed first (g_zero without loopdefault).
    await expect.poll(() => field('bConfigurationValue')).toBe(String(GADGET_ZERO.sourceSinkConfiguration));
    expect(await field('iConfiguration')).toBe('4');

    const rows = page.getByTestId('usb-history-row');
    await expect.poll(() => rows.count()).toBe(3);
    expect((await rows.first().locator('td').allTextContents()).slice(0, 3)).toEqual([
      'control',
      'IN',
      'ep0',
    ]);

    // Source/sink checks what bulk OUT 0x01 receives; a wrong byte halts the endpoint, as g_zero does.
    await page.getByTestId('usb-transfer-endpoint').selectOption('1');
    await page.getByTestId('usb-transfer-data').fill('ff');
    expect(await send('usb-transfer-send')).toMatch(/^stall/);
    const hint = page.getByTestId('usb-stall-hint');
    await expect.poll(() => hint.textContent()).toMatch(/Endpoint 0x01 stalled — clear the halt/);
    expect(await rows.first().getAttribute('data-status')).toBe('stall');
    expect(await send('usb-transfer-send')).toMatch(/^stall/); // still halted

    await page.getByTestId('usb-stall-preset').click();
    expect(await page.getByTestId('usb-control-request-type').inputValue()).toBe('0x02');
    expect(await page.getByTestId('usb-control-request').inputValue()).toBe('0x01');
    expect(await page.getByTestId('usb-control-index').inputValue()).toBe('0x01');
    expect(await send('usb-control-send')).toBe('ok · 0 bytes written');
    await expect.poll(() => hint.count()).toBe(0);
    await page.getByTestId('usb-transfer-data').fill('00 01 02 03');
    expect(await send('usb-transfer-send')).toBe('ok · 4 bytes written');
    const newest = await rows.first().locator('td').allTextContents();
    expect(newest).toEqual(['bulk/interrupt', 'OUT', '0x01', '4', 'ok', '4']);

    // Interface 0 of the source/sink configuration has alternate 1 (with isochronous endpoints).
    await page.getByTestId('usb-alternate-0').selectOption('1');
    expect(await send('usb-alternate-0-select')).toBe('ok · interface 0 alternate 1');
    await expect.poll(() => page.getByTestId('usb-alternate-0').getAttribute('data-selected')).toBe('1');
    expect(errors).toEqual([]);
  });
});
