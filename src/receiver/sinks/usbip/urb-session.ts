/**
 * The URB traffic of one imported device on one connection: control transfers (answered by the
 * HidFunction), interrupt IN URBs waiting for input reports, interrupt OUT, and unlinks.
 */
import { type ControlResult, isDeviceToHost, parseSetup } from '../usb/control.ts';
import type { HidFunction } from '../usb/hid-function.ts';
import type { PeerLink } from '../usb/peer-link.ts';
import type { SubmitRequest, UnlinkRequest } from './parser.ts';
import { Errno, UrbDirection } from './protocol.ts';
import { encodeRetSubmit, encodeRetUnlink } from './replies.ts';
import { urbStatus } from './urb-status.ts';

export interface UrbSessionLimits {
  /** Interrupt IN URBs a client may have waiting at once (Linux usbhid keeps one). */
  readonly maxPendingInterruptUrbs: number;
  /** Input reports kept while no URB waits (the client re-submits one RTT later); oldest dropped. */
  readonly inputBacklog: number;
}

export const DEFAULT_URB_SESSION_LIMITS: UrbSessionLimits = { maxPendingInterruptUrbs: 32, inputBacklog: 16 };

export class UrbSession {
  /** Interrupt IN URBs by seqnum, oldest first (Map keeps insertion order). */
  private readonly interruptIn = new Map<number, SubmitRequest>();
  /** Control and interrupt OUT URBs waiting on the device, by seqnum. */
  private readonly inFlight = new Map<number, SubmitRequest>();
  private readonly backlog: Uint8Array[] = [];
  private ended = false;

  constructor(
    private readonly link: PeerLink,
    private readonly fn: HidFunction,
    private readonly limits: UrbSessionLimits = DEFAULT_URB_SESSION_LIMITS,
  ) {}

  submit(request: SubmitRequest): void {
    if (this.ended) {
      this.reply(request, -Errno.ENODEV);
      return;
    }
    if (request.isoPacketCount > 0) {
      this.reply(request, -Errno.EPIPE);
      return;
    }
    if (request.ep === 0) {
      this.control(request);
      return;
    }
    const { interruptIn, interruptOut } = this.fn.descriptors;
    if (request.direction === UrbDirection.in && request.ep === (interruptIn.address & 0x0f)) {
      this.queueInterruptIn(request);
      return;
    }
    if (request.direction === UrbDirection.out && request.ep === (interruptOut?.address ?? -1)) {
      this.track(request, this.fn.interruptOut(request.data));
      return;
    }
    this.reply(request, -Errno.EPIPE);
  }

  unlink(request: UnlinkRequest): void {
    const target = request.unlinkSeqnum;
    const found = this.interruptIn.delete(target) || this.inFlight.delete(target);
    // -ECONNRESET: unlinked before completion (no RET_SUBMIT will follow); 0: it had already completed.
    this.link.send(encodeRetUnlink(request.seqnum, found ? -Errno.ECONNRESET : 0));
  }

  /** A framed input report from the device. */
  input(framed: Uint8Array): void {
    if (this.ended || this.fn.standard.configuration === 0) return;
    const [urb] = this.interruptIn.values();
    if (urb === undefined) {
      this.keep(framed);
      return;
    }
    this.interruptIn.delete(urb.seqnum);
    this.completeIn(urb, framed);
  }

  /** The device went away: every waiting URB fails the way vhci-hcd expects, then the link closes. */
  shutDown(status = -Errno.ESHUTDOWN): void {
    if (this.ended) return;
    this.ended = true;
    for (const urb of [...this.interruptIn.values(), ...this.inFlight.values()]) this.reply(urb, status);
    this.forget();
    this.link.close();
  }

  /** The connection closed: nothing can be sent any more. */
  detach(): void {
    this.ended = true;
    this.forget();
  }

  private control(request: SubmitRequest): void {
    const setup = parseSetup(request.setup);
    const dataOut = isDeviceToHost(setup) ? new Uint8Array(0) : request.data.subarray(0, setup.length);
    const result = this.fn.control(setup, dataOut);
    if (result instanceof Promise) this.track(request, result);
    else this.complete(request, result);
  }

  private track(request: SubmitRequest, pending: Promise<ControlResult>): void {
    this.inFlight.set(request.seqnum, request);
    void pending.then((result) => {
      // Unlinked or shut down meanwhile: the client no longer expects a RET_SUBMIT.
      if (this.inFlight.get(request.seqnum) !== request) return;
      this.inFlight.delete(request.seqnum);
      this.complete(request, result);
    });
  }

  private complete(request: SubmitRequest, result: ControlResult): void {
    const status = urbStatus(result);
    if (result.status !== 'ok') {
      this.reply(request, status);
      return;
    }
    if (request.direction === UrbDirection.in) {
      this.completeIn(request, result.data);
      return;
    }
    this.link.send(
      encodeRetSubmit({
        seqnum: request.seqnum,
        status,
        numberOfPackets: request.numberOfPackets,
        actualLength: request.data.length,
      }),
    );
  }

  /** A host buffer shorter than the data is babble (-EOVERFLOW); vhci rejects actual_length > length. */
  private completeIn(request: SubmitRequest, data: Uint8Array): void {
    const fits = data.length <= request.transferBufferLength;
    this.link.send(
      encodeRetSubmit({
        seqnum: request.seqnum,
        status: fits ? 0 : -Errno.EOVERFLOW,
        numberOfPackets: request.numberOfPackets,
        data: fits ? data : data.subarray(0, request.transferBufferLength),
      }),
    );
  }

  private queueInterruptIn(request: SubmitRequest): void {
    const waiting = this.backlog.shift();
    if (waiting !== undefined) {
      this.completeIn(request, waiting);
      return;
    }
    if (this.interruptIn.size >= this.limits.maxPendingInterruptUrbs) {
      this.reply(request, -Errno.ENOMEM);
      return;
    }
    this.interruptIn.set(request.seqnum, request);
  }

  private keep(framed: Uint8Array): void {
    if (this.backlog.length >= this.limits.inputBacklog) this.backlog.shift();
    this.backlog.push(framed);
  }

  private reply(request: SubmitRequest, status: number): void {
    this.link.send(
      encodeRetSubmit({ seqnum: request.seqnum, status, numberOfPackets: request.numberOfPackets }),
    );
  }

  private forget(): void {
    this.interruptIn.clear();
    this.inFlight.clear();
    this.backlog.length = 0;
  }
}
