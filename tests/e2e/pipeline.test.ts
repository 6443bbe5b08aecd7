/**
 * The pipeline chosen on the share page, negotiated in the hello and run end to end: a real Chromium
 * sharer page, and either `ferry receive` as a real process or a receiver page in another profile.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatPipelineSpec, parsePipelineSpec } from '../../src/pipeline/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';
import { collectPageErrors, freshContext } from '../support/browser.ts';
import { loadCorpusDevice } from '../support/corpus.ts';
import { fakeDeviceFromCorpus } from '../support/fake-device-from-corpus.ts';
import type { FakeHidControl, ReplayResult } from '../support/fake-webhid/config.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { installFakeWebHid } from '../support/install-fake.ts';

const DS3 = 'sony-dualshock3-usb';

const app = useAppAndBrowser();

const canonical = (spec: string) => formatPipelineSpec(parsePipelineSpec(spec));

async function openPage(path: string, prepare?: (page: Page) => Promise<void>) {
  const context = await freshContext(app.browser);
  app.defer(() => context.close());
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await prepare?.(page);
  await page.goto(new URL(path, app.origin).href);
  return { page, errors };
}

async function openAdvanced(page: Page): Promise<void> {
  await page.getByTestId('advanced').locator(':scope > summary').click();
}

/** Sets the pipeline field, starts sharing with `button`, and returns the share link. */
async function shareWithPipeline(page: Page, spec: string, button: 'share-button' | 'demo-button') {
  const field = page.getByTestId('pipeline-spec');
  // The pipeline is an advanced setting: folded away until "Advanced" is opened.
  expect(await field.isVisible()).toBe(false);
  await openAdvanced(page);
  expect(await field.inputValue()).toBe('bundle(1ms)');
  await field.fill(spec);
  await page.getByTestId(button).click();
  const link = page.getByTestId('share-link');
  await expect.poll(() => link.inputValue(), { timeout: 20_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  expect(await field.isDisabled()).toBe(true);
  return link.inputValue();
}

function receiveProcess(args: string[]): FerryProcess {
  const ferry = startFerryReceive(args);
  app.defer(() => ferry.child.kill('SIGKILL'));
  return ferry;
}

const eventBody = (line: string) => line.replace(/^E: \d{6}\.\d{6} /, '');

describe('pipelines end to end', () => {
  it("share page 'bundle(1ms),deflate,encrypt' → ferry receive --pipeline: prints exactly the bytes sent", async () => {
    const spec = 'bundle(1ms),deflate,encrypt';
    const sharer = await openPage('/', (page) =>
      installFakeWebHid(page, { devices: [fakeDeviceFromCorpus(DS3)] }),
    );
    const link = await shareWithPipeline(sharer.page, spec, 'share-button');

    const ferry = receiveProcess([link, '--pipeline', spec, '--stats', '1']);
    await approveReceiver(sharer.page);
    await ferry.waitForLine((line) => line.startsWith('I: '));
    // stderr is another pipe: its lines may be read after stdout's.
    await expect.poll(() => ferry.stderr).toContain(`ferry: pipeline ${canonical(spec)}`);
    await expect.poll(() => sharer.page.getByTestId('status-pipeline').textContent()).toBe(canonical(spec));

    const replayed = await sharer.page.evaluate(async () => {
      const control = (globalThis as unknown as { __ferryFakeHid: FakeHidControl }).__ferryFakeHid;
      return control.replay(0, { intervalMs: 0 });
    });
    const reports = loadCorpusDevice(DS3).recording.map((r) => r.report);
    expect(replayed).toEqual<ReplayResult>({ sent: reports.length, delivered: reports.length });
    const expected = reports.map(
      (r) => `${r.length} ${[...r].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
    );
    const events = () => ferry.stdout.filter((line) => line.startsWith('E: '));
    await expect.poll(() => events().length, { timeout: 20_000 }).toBe(expected.length);
    expect(events().map(eventBody)).toEqual(expected);

    ferry.child.kill('SIGINT');
    expect(await ferry.exited).toBe(0);
    expect(ferry.stderr.join('\n')).toMatch(new RegExp(`${reports.length} reports`));
    expect(sharer.errors).toEqual([]);
  });

  it('ferry receive with different link stages is refused with a clear mismatch, and exits non-zero', async () => {
    const sharer = await openPage('/');
    const link = await shareWithPipeline(sharer.page, 'bundle(1ms),deflate', 'demo-button');
    const ferry = receiveProcess([link, '--pipeline', 'bundle(1ms),lz4']);
    expect(await ferry.exited).not.toBe(0);
    expect(ferry.stderr.join('\n')).toMatch(/pairing failed: pipelines do not match: this receiver runs/);
    expect(ferry.stdout.filter((line) => line.startsWith('R: '))).toEqual([]);
    await expect
      .poll(() => sharer.page.getByTestId('last-error').textContent())
      .toMatch(/pipelines do not match/);
  });

  it("a receiver page takes the sharer's 'seq,lz4,encrypt' (unreliable channel): input, output and feature work", async () => {
    const spec = 'seq,lz4,encrypt';
    const sharer = await openPage('/');
    const link = await shareWithPipeline(sharer.page, spec, 'demo-button');
    const receiver = await openPage(link);
    await approveReceiver(sharer.page, { permission: 'full' });
    await expect
      .poll(() => receiver.page.getByTestId('receive-state').getAttribute('data-phase'), { timeout: 20_000 })
      .toBe('connected');
    await expect.poll(() => sharer.page.getByTestId('status-pipeline').textContent()).toBe(canonical(spec));

    // Input (report 1 of the demo SpaceNavigator: X, Y, Z int16 LE) travels on the unreliable channel.
    await sharer.page.getByTestId('demo-axis-0').fill('300');
    await expect
      .poll(() => receiver.page.getByTestId('input-hex-1').textContent(), { timeout: 10_000 })
      .toBe('2c 01 00 00 00 00');

    const led = sharer.page.getByTestId('demo-led');
    await receiver.page.getByTestId('output-report-id').selectOption('4');
    await receiver.page.getByTestId('output-data').fill('01');
    await receiver.page.getByTestId('output-send').click();
    await expect.poll(() => led.getAttribute('data-state')).toBe('on');

    const feature = receiver.page.getByTestId('feature-result');
    await receiver.page.getByTestId('feature-report-id').selectOption('5');
    await receiver.page.getByTestId('feature-data').fill('2a');
    await receiver.page.getByTestId('feature-set').click();
    await expect.poll(() => feature.textContent()).toBe('set');
    await receiver.page.getByTestId('feature-get').click();
    await expect.poll(() => feature.textContent()).toBe('2a');

    expect(sharer.errors).toEqual([]);
    expect(receiver.errors).toEqual([]);
  });

  it('a spec that does not parse is refused on the share page before anything connects', async () => {
    const sharer = await openPage('/');
    await openAdvanced(sharer.page);
    await sharer.page.getByTestId('pipeline-spec').fill('lz4,bundle');
    await sharer.page.getByTestId('demo-button').click();
    await expect
      .poll(() => sharer.page.getByTestId('share-error').textContent())
      .toMatch(/'bundle' must come before 'lz4'/);
    expect(await sharer.page.getByTestId('share-link').count()).toBe(0);
  });
});
