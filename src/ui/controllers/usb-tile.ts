/**
 * One generic USB device panel on the receiver page, outliving the link it came by (issue 13,
 * docs/receiver.md "When the link goes down"), like HidTile for HID. It wraps the receiver's
 * VirtualUsbDevice (receiver/keep, platform-free, the one `ferry receive`'s USB sinks use): while the
 * link is down the panel stays as "reconnecting", and a request waits for the link for at most
 * `waitMs` (the page's keeper gives its VirtualUsbDevices that `linkWaitMs`), then fails with a
 * LinkDownError that says so rather than a bare `timeout`. An equivalent device on the next link (the same device,
 * configuration and BOS descriptors) carries on in the same panel, with its history.
 */
import type { UsbSetup } from '../../protocol/index.ts';
import type { VirtualUsbDevice } from '../../receiver/keep/index.ts';
import type { UsbCallOptions, UsbTransferResult } from '../../transport/index.ts';
import type { ReceivedUsbDevice } from '../lib/received-device.ts';
import { KeptTile } from './kept-tile.ts';

/** A request that found the link down and gave up waiting for it. */
export class LinkDownError extends Error {
  override name = 'LinkDownError';

  constructor(waitMs: number) {
    super(
      `The link to the sharer is down: the request waited ${waitMs / 1000} s for it to come back and did not complete. Try again once the device is live.`,
    );
  }
}

export class UsbTile extends KeptTile<VirtualUsbDevice> implements ReceivedUsbDevice {
  constructor(
    device: VirtualUsbDevice,
    private readonly waitMs: number,
  ) {
    super(device);
  }

  get descriptors(): VirtualUsbDevice['descriptors'] {
    return this.device.descriptors;
  }

  get activeConfiguration(): number {
    return this.device.activeConfiguration;
  }

  controlTransfer(setup: UsbSetup, data?: Uint8Array, options?: UsbCallOptions) {
    return this.request(() => this.device.controlTransfer(setup, data, options));
  }

  transferIn(endpoint: number, length: number, options?: UsbCallOptions) {
    return this.request(() => this.device.transferIn(endpoint, length, options));
  }

  transferOut(endpoint: number, data: Uint8Array, options?: UsbCallOptions) {
    return this.request(() => this.device.transferOut(endpoint, data, options));
  }

  // Commands have a deadline of their own (5 s, as Linux's control timeout): they never wait longer.
  selectConfiguration(value: number) {
    return this.request(() => this.device.selectConfiguration(value));
  }

  selectAlternateInterface(interfaceNumber: number, alternateSetting: number) {
    return this.request(() => this.device.selectAlternateInterface(interfaceNumber, alternateSetting));
  }

  /**
   * Runs one request; one that did not complete because the link was down (the device still has no
   * link when it ends: it gave up waiting) throws LinkDownError rather than a bare `timeout`.
   */
  private async request(run: () => Promise<UsbTransferResult>): Promise<UsbTransferResult> {
    const result = await run();
    if (result.status !== 'ok' && !this.device.attached) throw new LinkDownError(this.waitMs);
    return result;
  }
}
