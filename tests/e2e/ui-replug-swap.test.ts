/**
 * The share page's swap (issue 13): a shared WebHID device (the fake, Chrome-faithful navigator.hid,
 * holding a corpus DualShock 3) is unplugged and plugged back in. With a serial number Chrome keeps the
 * page's permission and fires `connect`, and the page swaps the device in: the real `ferry receive`
 * carries on with one device (one `R:` descriptor line, no removal), and the replugged device's reports
 * arrive. Without one the permission goes with the unplug; sharing it again with the Share button
 * within the window swaps it in the same way. One that stays away past the window is removed.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';
import { collectPageErrors } from '../support/browser.ts';
import { fakeDeviceFromCorpus } from '../support/fake-device-from-corpus.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { installFakeWebHid } from '../support/install-fake.ts';

const DEVICE = 'sony-dualshock3-usb';

const app = useAppAndBrowser();

interface FakeHid {
  unplug(index: number): Promise<void>;
  plug(index: number): Promise<void>;
  replay(index: number, options: object): Promise<unknown>;
}
const fake = (page: Page, run: (hid: FakeHid) => Promise<unknown>) =>
  page.evaluate(`(${run.toString()})(window.__ferryFakeHid)`);

async function sharerPage(serialNumber?: string): Promise<{ page: Page; errors: string[] }> {
  const context = await app.browser.newContext();
  app.defer(() => context.close());
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  const extra = serialNumber === undefined ? {} : { serialNumber };
  await installFakeWebHid(page, { devices: [fakeDeviceFromCorpus(DEVICE, extra)] });
  await page.goto(new URL('/', app.origin).href);
  return { page, errors };
}

async function shareTo(page: Page, args: string[] = []): Promise<FerryProcess> {
  await page.getByTestId('share-button').click();
  const link = page.getByTestId('share-link');
  await expect.poll(() => link.inputValue(), { timeout: 15_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  const receive = startFerryReceive([await link.inputValue(), ...args]);
  app.defer(() => receive.child.kill('SIGKILL'));
  await approveReceiver(page);
  await receive.waitForLine((line) => line.startsWith('R: '));
  return receive;
}

const events = (receive: FerryProcess) => receive.stdout.filter((line) => line.startsWith('E: ')).length;

async function carriesOn(page: Page, receive: FerryProcess): Promise<void> {
  await expect
    .poll(() => receive.stderr.join('\n'), { timeout: 20_000 })
    .toMatch(/swapped .*\(054c:0268\): the sharer replaced it with an equivalent device/);
  const before = events(receive);
  await fake(page, (hid) => hid.replay(0, { count: 20, intervalMs: 2 }));
  await expect.poll(() => events(receive), { timeout: 15_000 }).toBe(before + 20);
  expect(receive.stdout.filter((line) => line.startsWith('R: '))).toHaveLength(1);
  expect(receive.stderr.join('\n')).not.toMatch(/removed|gone:/);
  expect(receive.child.exitCode).toBeNull();
}

describe('the share page swaps a replugged device in', () => {
  it('a device with a serial number, unplugged and plugged back in: Chrome says `connect`, the receiver carries on', async () => {
    const sharer = await sharerPage('SN-0001');
    const receive = await shareTo(sharer.page);
    await fake(sharer.page, (hid) => hid.unplug(0));
    await fake(sharer.page, (hid) => hid.plug(0));
    await carriesOn(sharer.page, receive);
    expect(sharer.errors).toEqual([]);
  });

  it('without a serial number, sharing it again with the Share button within the window swaps it in', async () => {
    const sharer = await sharerPage();
    const receive = await shareTo(sharer.page);
    await fake(sharer.page, (hid) => hid.unplug(0));
    await fake(sharer.page, (hid) => hid.plug(0));
    await sharer.page.getByTestId('share-button').click();
    await carriesOn(sharer.page, receive);
    expect(sharer.errors).toEqual([]);
  });

  it('a device that stays unplugged past the window is removed, as before', async () => {
    const sharer = await sharerPage('SN-0002');
    const receive = await shareTo(sharer.page, ['--stats', '1']);
    await expect.poll(() => receive.stderr.join('\n'), { timeout: 15_000 }).toMatch(/ferry: 1 device\(s\)/);
    await fake(sharer.page, (hid) => hid.unplug(0));
    await expect.poll(() => receive.stderr.at(-1) ?? '', { timeout: 20_000 }).toMatch(/ferry: 0 device\(s\)/);
    expect(receive.stderr.join('\n')).not.toMatch(/swapped/);
    expect(sharer.errors).toEqual([]);
  });
});
