/**
 * "Stop sharing" on the share page ends the share: the receiver page sees the sharer go, and the share
 * page is back where it started (no link, the demo can be shared again).
 */
import { describe, expect, it } from 'vitest';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';

const app = useAppAndBrowser();

describe('web app: stop sharing', () => {
  it('ends the share for the receiver and resets the share page', async () => {
    const sharer = await app.openPage('/');
    await sharer.page.getByTestId('demo-button').click();
    const link = sharer.page.getByTestId('share-link');
    await expect.poll(() => link.inputValue()).toContain('/s/');

    const receiver = await app.openPage(await link.inputValue());
    await approveReceiver(sharer.page);
    const state = receiver.page.getByTestId('receive-state');
    await expect.poll(() => state.getAttribute('data-phase'), { timeout: 20_000 }).toBe('connected');

    await sharer.page.getByTestId('stop-sharing').click();
    await expect.poll(() => state.getAttribute('data-phase'), { timeout: 10_000 }).toBe('no-sharer');
    await expect.poll(() => link.count()).toBe(0);
    expect(await sharer.page.getByTestId('demo-button').isEnabled()).toBe(true);
    expect([...sharer.errors, ...receiver.errors]).toEqual([]);
  });
});
