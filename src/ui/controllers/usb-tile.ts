/**
 * One generic USB device panel on the receiver page, outliving the link it came by (issue 13,
 * docs/receiver.md "When the link goes down"), like HidTile for HID. It wraps the receiver's
 * VirtualUsbDevice (receiver/keep, platform-free, the one `ferry receive`'s USB sinks use): while the
 * link is down the panel stays as "reconnecting", and a request waits for the link for at most
 * `waitMs`, then fails with a LinkDownError that says so (never a hang: a bulk IN would otherwise wait
 * for the next link however long it takes). An equivalent device on the next link (the same device,
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

/** One request in flight: aborted once the link has been down for `waitMs` during it. */
interface InFlight {
  readonly abort: AbortController;
  timer?: ReturnType<typeof setTimeout>;
}

export class UsbTile extends KeptTile<VirtualUsbDevice> implements ReceivedUsbDevice {
  private readonly inFlight = new Set<InFlight>();

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

  /** The link went down: requests in flight wait for the next one for `waitMs` at most. */
  linkDown(): void {
    for (const request of this.inFlight) this.startWaiting(request);
  }

  /** The device carries on over a new link: requests waiting for one go on through it. */
  linkUp(): void {
    for (const request of this.inFlight) {
      clearTimeout(request.timer);
      request.timer = undefined;
    }
  }

  controlTransfer(setup: UsbSetup, data?: Uint8Array, options?: UsbCallOptions) {
    return this.request((signal) => this.device.controlTransfer(setup, data, { ...options, signal }));
  }

  transferIn(endpoint: number, length: number, options?: UsbCallOptions) {
    return this.request((signal) => this.device.transferIn(endpoint, length, { ...options, signal }));
  }

  transferOut(endpoint: number, data: Uint8Array, options?: UsbCallOptions) {
    return this.request((signal) => this.device.transferOut(endpoint, data, { ...options, signal }));
  }

  // Commands have a deadline of their own (5 s, as Linux's control timeout): they never wait longer.
  selectConfiguration(value: number) {
    return this.request(() => this.device.selectConfiguration(value));
  }

  selectAlternateInterface(interfaceNumber: number, alternateSetting: number) {
    return this.request(() => this.device.selectAlternateInterface(interfaceNumber, alternateSetting));
  }

  /**
   * Runs one request; one that did not complete because the link was down (it gave up waiting, or the
   * device still has no link when it ends) throws LinkDownError rather than a bare `timeout`.
   */
  private async request(
    run: (signal: AbortSignal) => Promise<UsbTransferResult>,
  ): Promise<UsbTransferResult> {
    const request: InFlight = { abort: new AbortController() };
    this.inFlight.add(request);
    if (!this.device.attached) this.startWaiting(request);
    try {
      const result = await run(request.abort.signal);
      if (result.status !== 'ok' && (request.abort.signal.aborted || !this.device.attached))
        throw new LinkDownError(this.waitMs);
      return result;
    } finally {
      clearTimeout(request.timer);
      this.inFlight.delete(request);
    }
  }

  private startWaiting(request: InFlight): void {
    if (request.timer !== undefined) return;
    request.timer = setTimeout(() => request.abort.abort(), this.waitMs);
  }
}
