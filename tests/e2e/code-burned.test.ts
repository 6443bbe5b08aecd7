/**
 * Issue 11 item 1 in real Chromium: a code tried with the wrong words is burned (one attempt per code, as
 * magic-wormhole does). The share page says so, the right code no longer gets in, and the link still does.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CODE_WORDS, parseShortCode } from '../../src/transport/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';

const app = useAppAndBrowser();

const phaseOf = (page: Page) => page.getByTestId('receive-state').getAttribute('data-phase');

describe('a short code tried with the wrong words', () => {
  it('is burned: the share page says so, the right code is refused, the link still works', async () => {
    const sharer = await app.openPage('/');
    await sharer.page.getByTestId('demo-button').click();
    const codeText = sharer.page.getByTestId('share-code');
    await expect
      .poll(() => codeText.textContent(), { timeout: 15_000 })
      .toMatch(/^[1-9]\d{5}-[a-z]+-[a-z]+$/);
    const code = parseShortCode((await codeText.textContent()) ?? '');
    const wrong = CODE_WORDS.find((word) => !code.words.includes(word)) ?? '';

    const guesser = await app.openPage(`/code#${code.nameplate}-${wrong}-${wrong}`);
    await expect.poll(() => phaseOf(guesser.page), { timeout: 20_000 }).toMatch(/ended|failed/);
    expect(await guesser.page.getByTestId('receive-state').textContent()).toMatch(
      /this code is wrong — check it and try again/i,
    );
    const burned = sharer.page.getByTestId('code-burned');
    await expect.poll(() => burned.textContent(), { timeout: 15_000 }).toMatch(/no longer works/);

    const late = await app.openPage(`/code#${code.nameplate}-${code.words.join('-')}`);
    await expect.poll(() => phaseOf(late.page), { timeout: 15_000 }).toBe('failed');
    expect(await late.page.getByTestId('receive-state').textContent()).toMatch(/no longer works/);

    const link = await sharer.page.getByTestId('share-link').inputValue();
    const receiver = await app.openPage(link);
    await approveReceiver(sharer.page);
    await expect.poll(() => phaseOf(receiver.page), { timeout: 20_000 }).toBe('connected');
    expect([...sharer.errors, ...receiver.errors]).toEqual([]);
  });
});
