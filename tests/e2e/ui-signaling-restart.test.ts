/**
 * The signaling server dies mid-share (a real `ferry serve` process, SIGKILLed) and comes back on the same
 * port with no sessions at all: the share page says it is reconnecting and counts the outage, both pages
 * resume the session by themselves (docs/signaling.md "Resuming"), and reports flow again, whether or
 * not the data channel lived through it: what is asserted is what the people see.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allowAnyone } from '../support/approval.ts';
import { collectPageErrors, freshContext, launchChromium } from '../support/browser.ts';
import { writeCorpusRecording } from '../support/corpus-recording.ts';
import { fakeDeviceFromCorpus } from '../support/fake-device-from-corpus.ts';
import { type FerryProcess, startFerry } from '../support/ferry-process.ts';
import { installFakeWebHid } from '../support/install-fake.ts';

const DEVICE = 'sony-dualshock3-usb';
const running: FerryProcess[] = [];
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(() => {
  for (const ferry of running.splice(0)) ferry.child.kill('SIGKILL');
});
afterAll(async () => {
  await browser?.close();
});

async function serve(port: number): Promise<{ ferry: FerryProcess; origin: string }> {
  const ferry = startFerry(['serve', '--port', String(port)]);
  running.push(ferry);
  const line = await ferry.waitForLine((l) => l.startsWith('Ferry is running at '), 40_000);
  const origin = line.slice('Ferry is running at '.length).replace('127.0.0.1', 'localhost');
  return { ferry, origin };
}

async function open(url: string, withDevice: boolean): Promise<{ page: Page; errors: string[] }> {
  const page = await (await freshContext(browser)).newPage();
  const errors = collectPageErrors(page);
  if (withDevice) await installFakeWebHid(page, { devices: [fakeDeviceFromCorpus(DEVICE)] });
  await page.goto(url);
  return { page, errors };
}

async function replay(page: Page, count: number): Promise<void> {
  await page.evaluate(
    (count) =>
      (
        window as unknown as { __ferryFakeHid: { replay(i: number, o: object): Promise<unknown> } }
      ).__ferryFakeHid.replay(0, { count, intervalMs: 2 }),
    count,
  );
}

describe('web app: the signaling server restarts mid-share', () => {
  it('both pages reconnect by themselves and reports flow again', async () => {
    const first = await serve(0);
    const port = Number(new URL(first.origin).port);
    const sharer = await open(first.origin, true);
    await allowAnyone(sharer.page);
    await sharer.page.getByTestId('share-button').click();
    const linkInput = sharer.page.getByTestId('share-link');
    await expect.poll(() => linkInput.inputValue(), { timeout: 20_000 }).toMatch(/\/s\//);
    const link = await linkInput.inputValue();
    const code = await sharer.page.getByTestId('share-code').textContent();
    const receiver = await open(link, false);
    const phase = () => receiver.page.getByTestId('receive-state').getAttribute('data-phase');
    await expect.poll(phase, { timeout: 20_000 }).toBe('connected');
    const signaling = sharer.page.getByTestId('status-signaling');
    expect(await signaling.textContent()).toMatch(/^\s*connected\s*$/);

    first.ferry.child.kill('SIGKILL');
    await first.ferry.exited;
    await expect.poll(() => signaling.getAttribute('data-state'), { timeout: 20_000 }).toBe('reconnecting');
    const receiverServer = receiver.page.getByTestId('receive-server');
    await expect
      .poll(() => receiverServer.getAttribute('data-state'), { timeout: 20_000 })
      .toBe('reconnecting');
    await expect
      .poll(() => signaling.textContent(), { timeout: 10_000 })
      .toMatch(/reconnecting \([1-9]\d* s\) · 1 outage/);

    await serve(port);
    await expect.poll(() => signaling.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    expect(await signaling.textContent()).toMatch(/connected · 1 outage/);
    expect(await linkInput.inputValue()).toBe(link);
    expect(await sharer.page.getByTestId('share-code').textContent()).toBe(code); // its nameplate was free
    await expect.poll(() => receiverServer.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    expect(await receiverServer.textContent()).toContain('1 outage');
    await expect.poll(phase, { timeout: 30_000 }).toBe('connected');
    await replay(sharer.page, 6);
    await expect
      .poll(() => receiver.page.getByTestId('input-count-1').textContent(), { timeout: 20_000 })
      .toBe('6');
    // What a late receiver sees: the resumed session is the same one, reachable by the same link.
    const late = await open(link, false);
    await expect
      .poll(() => late.page.getByTestId('receive-state').getAttribute('data-phase'), { timeout: 20_000 })
      .toBe('connected');
    // Chrome itself logs each refused attempt while the server is down; nothing else may show.
    const refused = /^console\.error: WebSocket connection to '.*\/signal' failed: .*ERR_CONNECTION_REFUSED$/;
    const unexpected = [...sharer.errors, ...receiver.errors, ...late.errors].filter((e) => !refused.test(e));
    expect(unexpected).toEqual([]);
    expect(sharer.errors.length).toBeGreaterThan(0); // the attempts did happen, and were refused
  });

  it('`ferry share` resumes its session too: after the restart a receiver joins by the same link', async () => {
    const first = await serve(0);
    const port = Number(new URL(first.origin).port);
    const dir = mkdtempSync(join(tmpdir(), 'ferry-restart-'));
    try {
      const { path } = writeCorpusRecording(DEVICE, dir, 50);
      const sharer = startFerry(['share', '--replay', path, '--loop', '--anyone', '--signal', first.origin]);
      running.push(sharer);
      const link = await sharer.waitForLine((line) => line.includes('/s/'));

      first.ferry.child.kill('SIGKILL');
      await first.ferry.exited;
      await serve(port);
      // Only a sharer that resumed its session makes this link work on a server that lost every session;
      // it says when it has (its backoff may take seconds on a loaded machine).
      await sharer.waitForErrLine((line) => line.includes('the signaling server is out of reach'), 30_000);
      await sharer.waitForErrLine((line) => line.includes('the session is resumed'), 30_000);
      const receiver = await open(link, false);
      await expect
        .poll(() => receiver.page.getByTestId('receive-state').getAttribute('data-phase'), {
          timeout: 30_000,
        })
        .toBe('connected');
      await expect
        .poll(async () => Number(await receiver.page.getByTestId('input-count-1').textContent()), {
          timeout: 20_000,
        })
        .toBeGreaterThan(0);
      expect(receiver.errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
