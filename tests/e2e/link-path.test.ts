/**
 * Both pages say which network path their link uses (read from the peer connection's getStats): on one
 * machine, with no ICE servers, that is a direct host-to-host path. (The relayed path, and the same
 * words in `ferry receive`, are proven across two NATs in two-nats.test.ts.)
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useAppAndBrowser } from '../support/app-fixture.ts';
import { approveReceiver } from '../support/approval.ts';
import { fakeDeviceFromCorpus } from '../support/fake-device-from-corpus.ts';
import { installFakeWebHid } from '../support/install-fake.ts';

const app = useAppAndBrowser();

const withDualShock = (page: Page) =>
  installFakeWebHid(page, { devices: [fakeDeviceFromCorpus('sony-dualshock3-usb')] });

describe('the path in use', () => {
  it('shows on the share page for each receiver and on the receiver page: direct, candidate types, RTT', async () => {
    const sharer = await app.openPage('/', withDualShock);
    await sharer.page.getByTestId('share-button').click();
    const link = sharer.page.getByTestId('share-link');
    await expect.poll(() => link.inputValue(), { timeout: 15_000 }).toMatch(/#/);
    const receiver = await app.openPage(await link.inputValue());
    await approveReceiver(sharer.page);

    const received = receiver.page.getByTestId('receive-path');
    await expect.poll(() => received.getAttribute('data-path'), { timeout: 20_000 }).toBe('direct');
    expect(await received.textContent()).toMatch(/Path: direct \(host ↔ host, udp\)( · RTT \d+ ms)?/);
    const shared = sharer.page.getByTestId('status-path');
    await expect.poll(() => shared.getAttribute('data-path'), { timeout: 20_000 }).toBe('direct');
    await expect
      .poll(() => shared.textContent(), { timeout: 10_000 })
      .toMatch(/^direct \(host ↔ host, udp\) · RTT \d+ ms$/);
    expect(sharer.errors).toEqual([]);
    expect(receiver.errors).toEqual([]);
  });
});
