/**
 * Sharer approval and permissions in the web app (docs/security.md): the share page in real Chromium asks
 * before letting a receiver in — its name and the verification words beside Approve / Deny — and the real
 * `ferry receive` process or a receiver page gets only what it was granted. Revoke ends it at once.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CODE_WORDS, DENIED_REASON, REVOKED_REASON } from '../../src/transport/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { allowAnyone, approvalPrompt, approveReceiver } from '../support/approval.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';

const SCREENSHOTS = process.env.FERRY_SCREENSHOTS; // a directory, when screenshots are wanted
const app = useAppAndBrowser();
const WORD = `(?:${CODE_WORDS.join('|')})`;
const VERIFICATION_LINE = new RegExp(`^ferry: verification: (${WORD}(?: ${WORD}){3}) `);

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

function ferry(args: string[]): FerryProcess {
  const process = startFerryReceive(args);
  app.defer(() => process.child.kill('SIGKILL'));
  return process;
}

/** The share page sharing the demo SpaceNavigator; resolves with its link. */
async function sharingDemo(page: Page): Promise<string> {
  await page.getByTestId('demo-button').click();
  const link = page.getByTestId('share-link');
  await expect.poll(() => link.inputValue(), { timeout: 15_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
  return link.inputValue();
}

async function stderrLine(process: FerryProcess, pattern: RegExp): Promise<string> {
  try {
    await expect
      .poll(() => process.stderr.some((line) => pattern.test(line)), { timeout: 20_000 })
      .toBe(true);
  } catch {
    throw new Error(`no stderr line matches ${pattern}; stderr:\n${process.stderr.join('\n')}`);
  }
  return process.stderr.find((line) => pattern.test(line)) ?? '';
}

const devicesIn = (process: FerryProcess) => process.stdout.filter((line) => line.startsWith('R: '));
const eventsIn = (process: FerryProcess) => process.stdout.filter((line) => line.startsWith('E: '));

describe('approval on the share page', () => {
  it('ferry receive waits; the prompt names it with its words; approved input-only it gets data; revoked it exits with the reason', async () => {
    const sharer = await app.openPage('/');
    const link = await sharingDemo(sharer.page);
    const receive = ferry([link, '--name', 'lab-box']);

    await stderrLine(receive, /^ferry: waiting for the sharer to approve…$/);
    const words = VERIFICATION_LINE.exec(await stderrLine(receive, VERIFICATION_LINE))?.[1];
    const prompt = await approvalPrompt(sharer.page, 'lab-box');
    expect(await prompt.getByTestId('approval-name').textContent()).toBe('lab-box');
    expect(await prompt.getByTestId('approval-verification').textContent()).toBe(words);
    expect(await sharer.page.getByTestId('status-peer').getAttribute('data-state')).toBe('waiting');
    expect(devicesIn(receive)).toEqual([]);
    await screenshot(sharer.page, 'approval-prompt');

    await approveReceiver(sharer.page, { name: 'lab-box', permission: 'input' });
    await stderrLine(receive, /^ferry: granted input only: input reports and USB reads/);
    await receive.waitForLine((line) => line.startsWith('R: '));
    await sharer.page.getByTestId('demo-axis-0').fill('40');
    await expect.poll(() => eventsIn(receive).length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await sharer.page.getByTestId('approval-prompt').count()).toBe(0);
    expect(await sharer.page.getByTestId('peer-permission').inputValue()).toBe('input');
    await screenshot(sharer.page, 'approved-receiver');

    await sharer.page.getByTestId('revoke-button').click();
    expect(await receive.exited).toBe(4); // EXIT_CODES.dismissed
    // stderr is its own pipe: its last lines may be read after the exit.
    await expect.poll(() => receive.stderr).toContain(`ferry: ended: ${REVOKED_REASON}`);
    await expect.poll(() => sharer.page.getByTestId('status-peers').textContent()).toContain('nobody yet');
    expect(sharer.errors).toEqual([]);
  });

  it('Deny: ferry receive never sees the device and exits non-zero saying it was not approved', async () => {
    const sharer = await app.openPage('/');
    const link = await sharingDemo(sharer.page);
    const receive = ferry([link, '--name', 'stranger']);
    const prompt = await approvalPrompt(sharer.page, 'stranger');
    await prompt.getByTestId('deny-button').click();
    expect(await receive.exited).toBe(4); // EXIT_CODES.dismissed
    await expect.poll(() => receive.stderr).toContain(`ferry: ended: ${DENIED_REASON}`);
    expect(devicesIn(receive)).toEqual([]);
    expect(await sharer.page.getByTestId('approval-prompt').count()).toBe(0);
    expect(sharer.errors).toEqual([]);
  });

  it('a receiver page waits with its words, is refused output while input only, and may send once raised to full', async () => {
    const sharer = await app.openPage('/');
    const link = await sharingDemo(sharer.page);
    const receiver = await app.openPage(link);
    const state = receiver.page.getByTestId('receive-state');
    await expect.poll(() => state.getAttribute('data-phase'), { timeout: 20_000 }).toBe('approval');
    const words = await receiver.page.getByTestId('receive-verification').textContent();
    await screenshot(receiver.page, 'receiver-awaiting-approval');
    const prompt = await approvalPrompt(sharer.page);
    expect(await prompt.getByTestId('approval-verification').textContent()).toBe(words);
    expect(await receiver.page.getByTestId('device-name').count()).toBe(0);

    await approveReceiver(sharer.page, { permission: 'input' });
    await expect.poll(() => state.getAttribute('data-phase')).toBe('connected');
    expect(await receiver.page.getByTestId('receive-permission').getAttribute('data-permission')).toBe(
      'input',
    );
    await expect
      .poll(() => receiver.page.getByTestId('device-name').textContent())
      .toBe('SpaceNavigator (Ferry demo)');

    // Output report 4 bit 0 is the demo's LED: refused at the sharer, the LED stays off.
    const led = sharer.page.getByTestId('demo-led');
    await receiver.page.getByTestId('output-report-id').selectOption('4');
    await receiver.page.getByTestId('output-data').fill('01');
    await receiver.page.getByTestId('output-send').click();
    await expect
      .poll(() => receiver.page.getByTestId('output-result').textContent())
      .toBe('The sharer has not allowed this receiver to do that.');
    await receiver.page.getByTestId('feature-report-id').selectOption('5');
    await receiver.page.getByTestId('feature-get').click();
    await expect
      .poll(() => receiver.page.getByTestId('feature-result').textContent())
      .toBe('The sharer has not allowed this receiver to do that.');
    expect(await led.getAttribute('data-state')).toBe('off');

    await sharer.page.getByTestId('peer-permission').selectOption('full');
    await expect
      .poll(() => receiver.page.getByTestId('receive-permission').getAttribute('data-permission'))
      .toBe('full');
    await receiver.page.getByTestId('output-send').click();
    await expect.poll(() => receiver.page.getByTestId('output-result').textContent()).toBe('sent');
    await expect.poll(() => led.getAttribute('data-state')).toBe('on');

    await sharer.page.getByTestId('revoke-button').click();
    await expect.poll(() => state.getAttribute('data-phase'), { timeout: 10_000 }).toBe('ended');
    expect(await state.textContent()).toContain(REVOKED_REASON);
    expect([...sharer.errors, ...receiver.errors]).toEqual([]);
  });

  it('"Anyone with the link" lets a receiver straight in with the chosen permission; no prompt', async () => {
    const sharer = await app.openPage('/');
    expect(await sharer.page.getByTestId('anyone-switch').isChecked()).toBe(false);
    await allowAnyone(sharer.page);
    await sharer.page.getByTestId('default-permission').selectOption('input-output');
    const link = await sharingDemo(sharer.page);
    const receive = ferry([link, '--name', 'kiosk']);
    await stderrLine(receive, /^ferry: granted input \+ output: /);
    await receive.waitForLine((line) => line.startsWith('R: '));
    expect(await sharer.page.getByTestId('peer-permission').inputValue()).toBe('input-output');
    expect(await sharer.page.getByTestId('approval-prompt').count()).toBe(0);
    receive.child.kill('SIGINT');
    expect(await receive.exited).toBe(0);
    expect(sharer.errors).toEqual([]);
  });
});
