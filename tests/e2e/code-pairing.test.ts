/**
 * Pairing by short code (CPace) end to end: the share page in real Chromium hosts the demo device and
 * shows its code; the real `ferry receive` process, or a receiver page, types it. Both ends show the same
 * verification words; a wrong code fails with a clear reason at both ends.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CODE_WORDS, parseShortCode } from '../../src/transport/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approvalPrompt, approveReceiver } from '../support/approval.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';

const app = useAppAndBrowser();
const WORD = `(?:${CODE_WORDS.join('|')})`;
const CODE_HINT = /type the code (\d+-[a-z]+-[a-z]+)/;
const VERIFICATION_LINE = new RegExp(`^ferry: verification: (${WORD}(?: ${WORD}){3}) `);

function ferry(args: string[]): FerryProcess {
  const process = startFerryReceive(args);
  app.defer(() => process.child.kill('SIGKILL'));
  return process;
}

/** The share page sharing the demo device; resolves with the code it shows. */
async function sharingDemo(page: Page): Promise<string> {
  await page.getByTestId('demo-button').click();
  const code = page.getByTestId('share-code');
  await expect.poll(() => code.textContent(), { timeout: 15_000 }).toMatch(/^\d+-[a-z]+-[a-z]+$/);
  return (await code.textContent()) ?? '';
}

function verificationIn(lines: string[]): string | undefined {
  for (const line of lines) {
    const match = VERIFICATION_LINE.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

describe('pairing by short code', () => {
  it('ferry receive <code>: pairs with the share page, and both print the same verification words', async () => {
    const sharer = await app.openPage('/');
    const code = await sharingDemo(sharer.page);
    const receiver = ferry([code, '--signal', app.origin]);
    const prompt = await approvalPrompt(sharer.page);
    await expect.poll(() => verificationIn(receiver.stderr)).toBeDefined();
    const words = verificationIn(receiver.stderr);
    expect(await prompt.getByTestId('approval-verification').textContent()).toBe(words);
    await approveReceiver(sharer.page);
    await receiver.waitForLine((line) => line.startsWith('I: '));
    await expect
      .poll(() => sharer.page.getByTestId('status-verification').textContent(), { timeout: 10_000 })
      .toBe(words);
    expect(receiver.stderr.join('\n')).toContain('ferry: paired with');
    expect(sharer.errors).toEqual([]);
  });

  it('ferry receive with a wrong code fails after one try and says so; the share page turns it away quietly', async () => {
    const sharer = await app.openPage('/');
    const code = parseShortCode(await sharingDemo(sharer.page));
    const other = code.words[0] === 'acorn' ? 'amber' : 'acorn';
    const receiver = ferry([`${code.nameplate}-${other}-${code.words[1]}`, '--signal', app.origin]);
    expect(await receiver.exited).not.toBe(0);
    expect(receiver.stderr.join('\n')).toMatch(/this code is wrong — check it and try again/);
    expect(verificationIn(receiver.stderr)).toBeUndefined();
    expect(receiver.stdout.filter((line) => line.startsWith('I: '))).toEqual([]);
    // A stranger's typo is no fault in this share: no error, no receiver left listed.
    await expect
      .poll(() => sharer.page.getByTestId('status-peers').textContent(), { timeout: 10_000 })
      .toMatch(/nobody yet/);
    expect(await sharer.page.getByTestId('last-error').textContent()).toBe('none');
  });

  it('a receiver page that typed the code shows the same words as the share page', async () => {
    const sharer = await app.openPage('/');
    const code = await sharingDemo(sharer.page);
    const receiver = await app.openPage('/');
    await receiver.page.getByTestId('code-input').fill(code);
    await receiver.page.getByTestId('code-join').click();
    const shown = receiver.page.getByTestId('receive-verification');
    await expect
      .poll(() => shown.textContent(), { timeout: 20_000 })
      .toMatch(new RegExp(`^${WORD}( ${WORD}){3}$`));
    await expect
      .poll(() => sharer.page.getByTestId('status-verification').textContent(), { timeout: 10_000 })
      .toBe(await shown.textContent());
    expect([...sharer.errors, ...receiver.errors]).toEqual([]);
  });

  it('a waiting `ferry receive` (no argument) takes a sharer that typed its code; both show the same words', async () => {
    const receiver = ferry(['--signal', app.origin, '--name', 'lab-box']);
    const hint = await receiver.waitForErrLine((line) => CODE_HINT.test(line));
    const code = CODE_HINT.exec(hint)?.[1] ?? '';
    const sharer = await app.openPage('/');
    await sharer.page.getByTestId('receiver-code-input').fill(code);
    await sharer.page.getByTestId('demo-button').click();
    await approveReceiver(sharer.page, { name: 'lab-box' });
    await receiver.waitForLine((line) => line.startsWith('I: '));
    const words = verificationIn(receiver.stderr);
    expect(words).toMatch(new RegExp(`^${WORD}( ${WORD}){3}$`));
    await expect
      .poll(() => sharer.page.getByTestId('status-verification').textContent(), { timeout: 10_000 })
      .toBe(words);
    expect(sharer.errors).toEqual([]);
  });
});
