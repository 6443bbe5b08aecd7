/**
 * URB traffic of one imported generic device: every URB becomes a request to the sharer (control on
 * endpoint 0, bulk/interrupt by endpoint type, isochronous when it carries packet descriptors),
 * completes with the sharer's status as a Linux errno, and an unlink aborts it (the sharer is told to
 * cancel; no RET_SUBMIT follows, as vhci-hcd expects).
 *
 * Isochronous URBs (usbip_protocol.rst, stub_tx.c): the OUT packets are gathered from their offsets
 * into Ferry's back-to-back layout; an IN reply carries the packets' data packed (actual_length = the
 * sum of the packets' actual lengths) and every RET_SUBMIT of an iso URB — failed ones too — ends with
 * its number_of_packets descriptors (the request's offset and length, actual_length, status), since
 * vhci-hcd reads them whatever the URB status. The URB status is 0 once the sharer ran the packets;
 * packet failures are counted in error_count.
 */
import type { UsbStatusName } from '../../../protocol/index.ts';
import type { UsbIsoResult, UsbTransferResult } from '../../../transport/usb-remote-device.ts';
import { isDeviceToHost, parseSetup } from '../usb/control.ts';
import type { GenericUsbFunction } from '../usb/generic-function.ts';
import type { PeerLink } from '../usb/peer-link.ts';
import type { IsoPacketRequest, SubmitRequest, UnlinkRequest } from './parser.ts';
import { Errno, UrbDirection } from './protocol.ts';
import { encodeRetSubmit, encodeRetUnlink, type IsoPacketResult } from './replies.ts';

const EPROTO = 71;
const EMPTY = new Uint8Array(0);

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
    case 'not-allowed':
      // The sharer's grant does not cover it: "operation not permitted" is what the caller reads.
      return -Errno.EPERM;
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
    const entry = { abort: new AbortController(), request };
    this.inFlight.set(request.seqnum, entry);
    const reply =
      request.isoPacketCount > 0
        ? this.isochronous(request, entry.abort.signal)
        : this.perform(request, entry.abort.signal).then((result) => this.completion(request, result));
    void reply.then((bytes) => {
      if (this.inFlight.get(request.seqnum) !== entry) return; // unlinked or shut down meanwhile
      this.inFlight.delete(request.seqnum);
      this.link.send(bytes);
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

  private completion(request: SubmitRequest, result: UsbTransferResult): Uint8Array {
    const isIn = request.direction === UrbDirection.in;
    const data = isIn ? result.data.subarray(0, request.transferBufferLength) : undefined;
    return encodeRetSubmit({
      seqnum: request.seqnum,
      status: genericUrbStatus(result.status),
      numberOfPackets: request.numberOfPackets,
      data,
      actualLength: isIn ? data?.length : result.actualLength,
    });
  }

  /** An isochronous URB: its packets as one Ferry isochronous request, the outcome per packet. */
  private async isochronous(request: SubmitRequest, signal: AbortSignal): Promise<Uint8Array> {
    const packets = request.isoPackets;
    if (!isoLayoutValid(request)) return isoFailure(request, -Errno.EINVAL);
    const isIn = request.direction === UrbDirection.in;
    const address = request.ep | (isIn ? 0x80 : 0);
    const lengths = packets.map((packet) => packet.length);
    const dataOut = isIn ? EMPTY : gather(request.data, packets);
    const result = await this.fn.isochronous(address, lengths, dataOut, signal);
    if (result.packets.length !== packets.length) {
      return isoFailure(request, result.status === 'ok' ? -EPROTO : genericUrbStatus(result.status));
    }
    return isoCompletion(request, result, isIn);
  }

  private reply(request: SubmitRequest, status: number): void {
    if (request.isoPacketCount > 0) {
      this.link.send(isoFailure(request, status));
      return;
    }
    this.link.send(
      encodeRetSubmit({ seqnum: request.seqnum, status, numberOfPackets: request.numberOfPackets }),
    );
  }
}

/**
 * Every packet inside the transfer buffer, and no more packet bytes than the buffer holds (which also
 * bounds the Ferry request by transfer_buffer_length, itself capped by the parser).
 */
function isoLayoutValid(request: SubmitRequest): boolean {
  let total = 0;
  for (const { offset, length } of request.isoPackets) {
    if (offset + length > request.transferBufferLength) return false;
    total += length;
  }
  return total <= request.transferBufferLength;
}

/** OUT packets at their offsets in the URB buffer, back to back as Ferry's isochronous request wants. */
function gather(data: Uint8Array, packets: readonly IsoPacketRequest[]): Uint8Array {
  const out = new Uint8Array(packets.reduce((sum, packet) => sum + packet.length, 0));
  let at = 0;
  for (const { offset, length } of packets) {
    out.set(data.subarray(offset, offset + length), at);
    at += length;
  }
  return out;
}

function isoCompletion(request: SubmitRequest, result: UsbIsoResult, isIn: boolean): Uint8Array {
  const chunks: Uint8Array[] = [];
  const isoPackets: IsoPacketResult[] = request.isoPackets.map(({ offset, length }, i) => {
    const packet = result.packets[i]!;
    // More IN data than the packet asked for is babble; the host gets the packet's length only.
    const overflow = isIn && packet.data.length > length;
    const actualLength = isIn ? Math.min(packet.data.length, length) : Math.min(packet.actualLength, length);
    if (isIn) chunks.push(packet.data.subarray(0, actualLength));
    const status = overflow ? -Errno.EOVERFLOW : genericUrbStatus(packet.status);
    return { offset, length, actualLength, status };
  });
  const actualLength = isoPackets.reduce((sum, packet) => sum + packet.actualLength, 0);
  return encodeRetSubmit({
    seqnum: request.seqnum,
    status: result.status === 'ok' ? 0 : genericUrbStatus(result.status),
    numberOfPackets: request.numberOfPackets,
    data: isIn ? concat(chunks, actualLength) : undefined,
    actualLength,
    startFrame: request.startFrame,
    errorCount: isoPackets.filter((packet) => packet.status !== 0).length,
    isoPackets,
  });
}

/** A whole iso URB failed: every packet carries the status and moved nothing. */
function isoFailure(request: SubmitRequest, status: number): Uint8Array {
  return encodeRetSubmit({
    seqnum: request.seqnum,
    status,
    numberOfPackets: request.numberOfPackets,
    actualLength: 0,
    startFrame: request.startFrame,
    errorCount: request.isoPackets.length,
    isoPackets: request.isoPackets.map(({ offset, length }) => ({ offset, length, actualLength: 0, status })),
  });
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
