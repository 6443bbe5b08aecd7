/**
 * Issue 2's whole path with a real device's data: a sharer page in real Chromium holding a (fake, but
 * Chrome-faithful) DualShock 3 from the corpus, the real server, and either a receiver page or the real
 * `ferry receive` process — input, output and feature reports, byte for byte.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseShareLink } from '../../src/transport/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';
import { collectPageErrors } from '../support/browser.ts';
import { loadCorpusDevice } from '../support/corpus.ts';
import { fakeDeviceFromCorpus } from '../support/fake-device-from-corpus.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { installFakeWebHid } from '../support/install-fake.ts';

const DEVICE = 'sony-dualshock3-usb'; // report ids, a 299-report recording, output and feature reports
const REPLAYED = 120;
/** The line `ferry receive` prints on stderr when it waits: `… or type the code 7-amber-falcon`. */
const CODE_HINT = /type the code (\d+-[a-z]+-[a-z]+)$/;

const app = useAppAndBrowser();

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

async function page(path: string, withFakeDevice: boolean): Promise<{ page: Page; errors: string[] }> {
  const context = await app.browser.newContext();
  app.defer(() => context.close());
  const opened = await context.newPage();
  const errors = collectPageErrors(opened);
  if (withFakeDevice) await installFakeWebHid(opened, { devices: [fakeDeviceFromCorpus(DEVICE)] });
  await opened.goto(new URL(path, app.origin).href);
  return { page: opened, errors };
}

function ferry(args: string[]): FerryProcess {
  const process = startFerryReceive(args);
  app.defer(() => process.child.kill('SIGKILL'));
  return process;
}

/** Plays the first reports of the recording through the fake device, as the device would send them. */
async function replay(sharer: Page, count: number): Promise<void> {
  await sharer.evaluate(
    (count) =>
      (
        window as unknown as { __ferryFakeHid: { replay(i: number, o: object): Promise<unknown> } }
      ).__ferryFakeHid.replay(0, { count, intervalMs: 2 }),
    count,
  );
}

/** The recording as hid-recorder prints it: length, then the bytes with the report id first. */
function expectedEventBodies(count: number): string[] {
  return loadCorpusDevice(DEVICE)
    .recording.slice(0, count)
    .map(({ report }) => `${report.length} ${hex(report)}`);
}

async function shareFakeDevice(sharer: Page): Promise<string> {
  await sharer.getByTestId('share-button').click();
  const link = sharer.getByTestId('share-link');
  await expect.poll(() => link.inputValue(), { timeout: 15_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  return link.inputValue();
}

describe('a corpus device shared from a Chromium page', () => {
  it('reaches a receiver page: live input, an output report to the device, feature get and set', async () => {
    const sharer = await page('/', true);
    const link = await shareFakeDevice(sharer.page);
    const receiver = await page(link, false);
    const view = receiver.page;
    await approveReceiver(sharer.page, { permission: 'full' });
    await expect
      .poll(() => view.getByTestId('device-name').textContent(), { timeout: 20_000 })
      .toBe(loadCorpusDevice(DEVICE).name);
    await expect.poll(() => view.getByTestId('device-ids').textContent()).toMatch(/054c.*0268/i);

    await replay(sharer.page, REPLAYED);
    await expect
      .poll(() => view.getByTestId('input-count-1').textContent(), { timeout: 15_000 })
      .toBe(String(REPLAYED));
    const last = loadCorpusDevice(DEVICE).recording[REPLAYED - 1]!.report;
    await expect.poll(() => view.getByTestId('input-hex-1').textContent()).toBe(hex(last.subarray(1)));

    const output = 'ff'.repeat(4) + '00'.repeat(44);
    await view.getByTestId('output-report-id').selectOption('1');
    await view.getByTestId('output-data').fill(output);
    await view.getByTestId('output-send').click();
    await expect.poll(() => view.getByTestId('output-result').textContent()).toBe('sent');
    const outputs = await sharer.page.evaluate(() =>
      (window as unknown as { __ferryFakeHid: { outputs(i: number): unknown } }).__ferryFakeHid.outputs(0),
    );
    expect(outputs).toEqual([{ reportId: 1, bytes: output }]);

    const stored = '0a'.repeat(48);
    await sharer.page.evaluate(
      (stored) =>
        (
          window as unknown as { __ferryFakeHid: { setFeature(i: number, id: number, hex: string): void } }
        ).__ferryFakeHid.setFeature(0, 0xef, stored),
      stored,
    );
    await view.getByTestId('feature-report-id').selectOption(String(0xef));
    await view.getByTestId('feature-get').click();
    await expect
      .poll(() => view.getByTestId('feature-result').textContent())
      .toBe(hex(new Uint8Array(48).fill(10)));
    await view.getByTestId('feature-data').fill('42'.repeat(48));
    await view.getByTestId('feature-set').click();
    await expect.poll(() => view.getByTestId('feature-result').textContent()).toBe('set');
    const features = await sharer.page.evaluate(() =>
      (
        window as unknown as { __ferryFakeHid: { features(i: number): Record<string, string> } }
      ).__ferryFakeHid.features(0),
    );
    expect(features[String(0xef)]).toBe('42'.repeat(48));
    expect(sharer.errors).toEqual([]);
    expect(receiver.errors).toEqual([]);
  });

  it('reaches `ferry receive <link>` (sharer first), which prints exactly the bytes sent', async () => {
    const sharer = await page('/', true);
    const link = await shareFakeDevice(sharer.page);
    const receive = ferry([link]);
    await approveReceiver(sharer.page);
    await receive.waitForLine((line) => line.startsWith('R: '));
    await expect
      .poll(() => sharer.page.getByTestId('status-peers').textContent(), { timeout: 15_000 })
      .toMatch(/connected|open/i);
    await replay(sharer.page, REPLAYED);
    const events = () => receive.stdout.filter((line) => line.startsWith('E: '));
    await expect.poll(() => events().length, { timeout: 15_000 }).toBe(REPLAYED);
    expect(events().map((line) => line.replace(/^E: \d{6}\.\d{6} /, ''))).toEqual(
      expectedEventBodies(REPLAYED),
    );
    await sharer.page.close();
    expect(await receive.exited).toBe(0);
  });

  it('a reload of the share page keeps the device at `ferry receive`; a closed tab then ends the run', async () => {
    const sharer = await page('/', true);
    const link = await shareFakeDevice(sharer.page);
    const receive = ferry([link]);
    await approveReceiver(sharer.page);
    await receive.waitForLine((line) => line.startsWith('R: '));
    const events = () => receive.stdout.filter((line) => line.startsWith('E: '));
    await expect
      .poll(() => sharer.page.getByTestId('status-peers').textContent(), { timeout: 15_000 })
      .toMatch(/connected|open/i);
    await replay(sharer.page, 10);
    await expect.poll(() => events().length, { timeout: 15_000 }).toBe(10);

    // The page cannot tell a reload from a close when it goes: it says it is leaving, and the receiver
    // keeps the device for the reload to bring it back (approved again by its ticket, no click).
    await sharer.page.reload();
    await receive.waitForErrLine(
      (line) => /resumed .*the same device, kept on this machine/.test(line),
      30_000,
    );
    await replay(sharer.page, 10);
    await expect.poll(() => events().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(20);
    expect(receive.stdout.filter((line) => line.startsWith('R: '))).toHaveLength(1); // one device throughout
    expect(receive.stderr.join('\n')).not.toMatch(/removed/);

    // A closed tab says the same, and no reload follows: once the page has not come back, a normal end.
    await sharer.page.close();
    expect(await receive.exited).toBe(0);
    expect(receive.stderr.join('\n')).toMatch(/removed .*the sharer's page did not come back within 15 s/);
  });

  it('reaches a waiting `ferry receive` (receiver first) through its /r/ link', async () => {
    const receive = ferry(['--signal', app.origin, '--name', 'build-box']);
    const link = await receive.waitForLine(() => true);
    expect(parseShareLink(link).createdBy).toBe('receiver');
    const sharer = await page(link, true);
    await expect
      .poll(() => sharer.page.getByTestId('receiver-heading').textContent(), { timeout: 15_000 })
      .toContain('build-box');
    await sharer.page.getByTestId('share-button').click();
    await approveReceiver(sharer.page, { name: 'build-box' });
    await receive.waitForLine((line) => line.startsWith('R: '));
    await replay(sharer.page, REPLAYED);
    const events = () => receive.stdout.filter((line) => line.startsWith('E: '));
    await expect.poll(() => events().length, { timeout: 15_000 }).toBe(REPLAYED);
    expect(events().map((line) => line.replace(/^E: \d{6}\.\d{6} /, ''))).toEqual(
      expectedEventBodies(REPLAYED),
    );
    receive.child.kill('SIGINT');
    expect(await receive.exited).toBe(0);
  });

  it("reaches a waiting `ferry receive` (receiver first) by its short code typed into the share page's code box", async () => {
    // The real CLI with no argument holds both its link's secret and its code; the sharer knows only the code.
    const receive = ferry(['--signal', app.origin, '--name', 'build-box']);
    const hint = await receive.waitForErrLine((line) => CODE_HINT.test(line));
    const code = CODE_HINT.exec(hint)?.[1] ?? '';
    const sharer = await page('/', true);
    await sharer.page.getByTestId('receiver-code-input').fill(code);
    await sharer.page.getByTestId('share-button').click();
    await approveReceiver(sharer.page, { name: 'build-box' });
    await receive.waitForLine((line) => line.startsWith('R: '));
    await expect
      .poll(() => sharer.page.getByTestId('status-peers').textContent(), { timeout: 15_000 })
      .toMatch(/build-box\s+connected/);
    await replay(sharer.page, REPLAYED);
    const events = () => receive.stdout.filter((line) => line.startsWith('E: '));
    await expect.poll(() => events().length, { timeout: 15_000 }).toBe(REPLAYED);
    expect(events().map((line) => line.replace(/^E: \d{6}\.\d{6} /, ''))).toEqual(
      expectedEventBodies(REPLAYED),
    );
    expect(sharer.errors).toEqual([]);
    receive.child.kill('SIGINT');
    expect(await receive.exited).toBe(0);
  });
});
