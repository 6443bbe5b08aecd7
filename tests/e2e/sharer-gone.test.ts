/**
 * Issue 10 item 5: a share whose sharer has gone. The session outlives its sharer (the receivers are still
 * in it), so a receiver must be told at once that nobody is there to connect to — not left on
 * "Connecting to the sharer…" — and must connect when a sharer comes back to the same session.
 * Real Chromium pages, the real server, WebRTC over loopback.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseShareLink } from '../../src/transport/index.ts';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver, approveReceivers } from '../support/approval.ts';

const app = useAppAndBrowser();

const phaseOf = (page: Page) => page.getByTestId('receive-state').getAttribute('data-phase');
const stateText = (page: Page) => page.getByTestId('receive-state').textContent();

describe('a receiver page when the sharer has gone', () => {
  it('says nobody is sharing (after the sharer closed its tab), then connects when a sharer comes back', async () => {
    const sharer = await app.openPage('/');
    await sharer.page.getByTestId('demo-button').click();
    const linkInput = sharer.page.getByTestId('share-link');
    await expect.poll(() => linkInput.inputValue(), { timeout: 15_000 }).toMatch(/\/s\/[\w-]{22}#[\w-]{22}$/);
    const link = await linkInput.inputValue();

    const first = await app.openPage(link);
    await approveReceiver(sharer.page);
    await expect.poll(() => phaseOf(first.page), { timeout: 20_000 }).toBe('connected');

    // The sharer reloads its tab: the share resumes (issue 13) and lets the approved receiver back in by
    // its re-admission ticket, with no second click.
    await sharer.page.reload();
    const approved = sharer.page.locator('[data-testid="status-peer"][data-state="open"]');
    await expect.poll(() => approved.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => phaseOf(first.page), { timeout: 20_000 }).toBe('connected');
    expect(await sharer.page.getByTestId('approval-prompt').count()).toBe(0);
    // Then it closes the tab: the receiver is told at once that the sharer has left.
    await sharer.page.close();
    await expect.poll(() => phaseOf(first.page), { timeout: 15_000 }).toBe('no-sharer');
    expect(await stateText(first.page)).toMatch(/The sharer has left/);

    // A receiver arriving now is told straight away that nobody is sharing, instead of waiting forever.
    const second = await app.openPage(link);
    await expect.poll(() => phaseOf(second.page), { timeout: 15_000 }).toBe('no-sharer');
    expect(await stateText(second.page)).toMatch(/Nobody is sharing/);

    // The sharer comes back to the same session (its link, opened to share): both receivers connect.
    const { sessionId, secret } = parseShareLink(link);
    const back = await app.openPage(`/r/${sessionId}#${secret}`);
    await back.page.getByTestId('demo-button').click();
    await approveReceivers(back.page, 2);
    for (const receiver of [first, second]) {
      await expect.poll(() => phaseOf(receiver.page), { timeout: 20_000 }).toBe('connected');
      await expect
        .poll(() => receiver.page.getByTestId('device-name').textContent(), { timeout: 15_000 })
        .toBe('SpaceNavigator (Ferry demo)');
    }
    await back.page.getByTestId('demo-axis-0').fill('7');
    await expect.poll(() => first.page.getByTestId('input-count-1').textContent()).not.toBe('0');

    expect([...sharer.errors, ...first.errors, ...second.errors, ...back.errors]).toEqual([]);
  });
});
