/**
 * Issue 6's whole path: a Chromium share page holding a (fake, Chrome-faithful) Gadget Zero through
 * navigator.usb, the real server, WebRTC, and the real `ferry receive --sink usbip` process; a USB/IP
 * client then drives bulk loopback through all of it and gets its data back intact.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';
import { collectPageErrors } from '../support/browser.ts';
import { fakeWebUsbInitScript } from '../support/fake-webusb/bundle.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { usbipLoopback } from '../support/usbip-loopback.ts';

const USBIP = '/usr/sbin/usbip';
const execFileAsync = promisify(execFile);
const app = useAppAndBrowser();

async function sharerPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await app.browser.newContext();
  app.defer(() => context.close());
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.addInitScript({ content: await fakeWebUsbInitScript({ gadgetZeros: 1 }) });
  await page.goto(`${app.origin}/`);
  return { page, errors };
}

function ferry(args: string[]): FerryProcess {
  const process = startFerryReceive(args);
  app.defer(() => process.child.kill('SIGKILL'));
  return process;
}

async function shareLink(page: Page, button: string): Promise<string> {
  await page.getByTestId(button).click();
  const link = page.getByTestId('share-link');
  await expect.poll(() => link.inputValue(), { timeout: 15_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  return link.inputValue();
}

async function stderrMatch(process: FerryProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  await expect.poll(() => process.stderr.some((line) => pattern.test(line)), { timeout: 20_000 }).toBe(true);
  return process.stderr
    .map((line) => line.match(pattern))
    .find((match) => match !== null) as RegExpMatchArray;
}

describe('a USB device shared from a Chromium page', () => {
  it('"Share a USB device" → ferry receive --sink usbip: usbip lists it and bulk loopback is intact', async () => {
    const sharer = await sharerPage();
    const link = await shareLink(sharer.page, 'share-usb-button');
    await expect.poll(() => sharer.page.getByRole('status').first().textContent()).toMatch(/Gadget Zero/);
    const receive = ferry([link, '--sink', 'usbip', '--usbip-port', '0']);
    await approveReceiver(sharer.page, { permission: 'full' });
    const [, port] = await stderrMatch(receive, /usbip: exported 1-1 on 127\.0\.0\.1:(\d+)/);
    const { stdout } = await execFileAsync(USBIP, ['--tcp-port', String(port), 'list', '-r', '127.0.0.1']);
    expect(stdout).toMatch(/1-1: .*\(0525:a4a0\)/);

    const chunks = Array.from({ length: 16 }, (_, n) =>
      Uint8Array.from({ length: 1000 * (n + 1) + n }, (_, i) => (i * 17 + n) & 0xff),
    );
    const { echoed, statuses } = await usbipLoopback(Number(port), '1-1', chunks);
    expect([...statuses.values()].every((status) => status === 0)).toBe(true);
    expect(echoed).toEqual(chunks);

    // Unplugging the device on the sharer's side removes the export.
    await sharer.page.evaluate(() => {
      const usb = (
        window as unknown as {
          __ferryFakeUsb: { unplug(d: unknown): void; getDevices(): Promise<unknown[]> };
        }
      ).__ferryFakeUsb;
      return usb.getDevices().then(([device]) => usb.unplug(device));
    });
    await expect
      .poll(
        async () =>
          (await execFileAsync(USBIP, ['--tcp-port', String(port), 'list', '-r', '127.0.0.1'])).stdout,
        {
          timeout: 10_000,
        },
      )
      .not.toMatch(/0525:a4a0/);
    receive.child.kill('SIGINT');
    expect(await receive.exited).toBe(0);
    expect(sharer.errors).toEqual([]);
  });

  it('"Try the demo USB device" reaches the log sink', async () => {
    const sharer = await sharerPage();
    const link = await shareLink(sharer.page, 'usb-demo-button');
    const receive = ferry([link]);
    await approveReceiver(sharer.page);
    await receive.waitForLine((line) => line.startsWith('# Ferry USB: Gadget Zero (0525:a4a0)'));
    await receive.waitForLine((line) => /configuration 3 \(active\): interface 0 ff\/00\/00/.test(line));
    await sharer.page.close();
    expect(await receive.exited).toBe(0);
    expect(receive.stdout.join('\n')).toMatch(/# Ferry USB: Gadget Zero gone: 0 transfers/);
    expect(sharer.errors).toEqual([]);
  });
});
