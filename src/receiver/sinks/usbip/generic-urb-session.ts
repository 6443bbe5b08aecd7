/**
 * URB traffic of one imported generic device: every URB becomes a request to the sharer (control on
 * endpoint 0, bulk/interrupt by endpoint type), completes with the sharer's status as a Linux errno,
 * and an unlink aborts it (the sharer is told to cancel; no RET_SUBMIT follows, as vhci-hcd expects).
 */
import type { UsbStatusName } from '../../../protocol/index.ts';
import type { UsbTransferResult } from '../../../transport/usb-remote-device.ts';
import { isDeviceToHost, parseSetup } from '../usb/control.ts';
import type { GenericUsbFunction } from '../usb/generic-function.ts';
import type { PeerLink } from '../usb/peer-link.ts';
import type { SubmitRequest, UnlinkRequest } from './parser.ts';
import { Errno, UrbDirection } from './protocol.ts';
import { encodeRetSubmit, encodeRetUnlink } from './replies.ts';

const EPROTO = 71;

/** A Ferry USB status as the URB status vhci-hcd hands to the USB core. */
export function genericUrbStatus(status: UsbStatusName): number {
  switch (status) {
    case 'ok':
      return 0;
    case 'stall':
      return -Errno.EPIPE;
    case 'babble':
      return -Errno.EOVERFLOW;
    case 'error':
      return -EPROTO;
    case 'cancelled':
      return -Errno.ECONNRESET;
    case 'timeout':
      return -Errno.ETIMEDOUT;
    case 'disconnected':
      return -Errno.ENODEV;
    case 'busy':
      return -Errno.ENOMEM;
  }
}

export class GenericUrbSession {
  /** URBs waiting on the sharer, by seqnum; aborting one cancels it there. */
  private readonly inFlight = new Map<
    number,
    { readonly abort: AbortController; readonly request: SubmitRequest }
  >();
  private ended = false;

  constructor(
    private readonly link: PeerLink,
    private readonly fn: GenericUsbFunction,
  ) {}

  get pendingCount(): number {
    return this.inFlight.size;
  }

  submit(request: SubmitRequest): void {
    if (this.ended) {
      this.reply(request, -Errno.ENODEV);
      return;
    }
    // Isochronous URBs need their packet descriptors, which the shared parser does not expose yet.
    if (request.isoPacketCount > 0) {
      this.reply(request, -Errno.EPIPE);
      return;
    }
    const entry = { abort: new AbortController(), request };
    this.inFlight.set(request.seqnum, entry);
    void this.perform(request, entry.abort.signal).then((result) => {
      if (this.inFlight.get(request.seqnum) !== entry) return; // unlinked or shut down meanwhile
      this.inFlight.delete(request.seqnum);
      this.complete(request, result);
    });
  }

  unlink(request: UnlinkRequest): void {
    const entry = this.inFlight.get(request.unlinkSeqnum);
    this.inFlight.delete(request.unlinkSeqnum);
    entry?.abort.abort();
    // -ECONNRESET: unlinked before completion (no RET_SUBMIT follows); 0: it had already completed.
    this.link.send(encodeRetUnlink(request.seqnum, entry ? -Errno.ECONNRESET : 0));
  }

  /** The share ended: pending URBs fail with -ESHUTDOWN, then the importer is closed. */
  shutDown(): void {
    if (this.ended) return;
    this.ended = true;
    for (const { abort, request } of this.inFlight.values()) {
      abort.abort();
      this.reply(request, -Errno.ESHUTDOWN);
    }
    this.inFlight.clear();
    this.link.close();
  }

  /** The importing connection closed: cancel what it left behind on the sharer. */
  detach(): void {
    this.ended = true;
    for (const { abort } of this.inFlight.values()) abort.abort();
    this.inFlight.clear();
  }

  private perform(request: SubmitRequest, signal: AbortSignal): Promise<UsbTransferResult> {
    const isIn = request.direction === UrbDirection.in;
    if (request.ep === 0) {
      const setup = parseSetup(request.setup);
      const dataOut = isDeviceToHost(setup) ? new Uint8Array(0) : request.data.slice(0, setup.length);
      return this.fn.control(setup, dataOut, signal);
    }
    const address = request.ep | (isIn ? 0x80 : 0);
    return this.fn.transfer(
      address,
      request.transferBufferLength,
      isIn ? new Uint8Array(0) : request.data.slice(),
      signal,
    );
  }

  private complete(request: SubmitRequest, result: UsbTransferResult): void {
    const isIn = request.direction === UrbDirection.in;
    const data = isIn ? result.data.subarray(0, request.transferBufferLength) : undefined;
    this.link.send(
      encodeRetSubmit({
        seqnum: request.seqnum,
        status: genericUrbStatus(result.status),
        numberOfPackets: request.numberOfPackets,
        data,
        actualLength: isIn ? data?.length : result.actualLength,
      }),
    );
  }

  private reply(request: SubmitRequest, status: number): void {
    this.link.send(
      encodeRetSubmit({ seqnum: request.seqnum, status, numberOfPackets: request.numberOfPackets }),
    );
  }
}
