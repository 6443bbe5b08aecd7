/**
 * A resumable USB/IP request parser (server side). It owns no I/O: bytes go in wherever TCP split
 * them, whole requests come out. Every length field is checked against a limit before the parser
 * waits for that many bytes, so a hostile peer cannot make it buffer more than one bounded message.
 */
import { ByteQueue } from '../usb/byte-queue.ts';
import { fixedString } from '../usb/struct.ts';
import { UsbipProtocolError } from './errors.ts';
import {
  CmdSubmit,
  CmdUnlink,
  ImportRequest,
  IsoPacketDescriptor,
  OpCommon,
  URB_HEADER_SIZE,
  UrbHeaderBasic,
} from './layouts.ts';
import { NOT_ISO, OpCode, UrbCommand, UrbDirection, USBIP_VERSION, UsbipLimits } from './protocol.ts';

export interface SubmitRequest {
  readonly kind: 'submit';
  readonly seqnum: number;
  readonly devid: number;
  readonly direction: number;
  readonly ep: number;
  readonly transferFlags: number;
  readonly transferBufferLength: number;
  /** As the client sent it (0 or 0xffffffff for non-isochronous), echoed in RET_SUBMIT. */
  readonly numberOfPackets: number;
  readonly isoPacketCount: number;
  /** The iso_packet_descriptors that follow the OUT data (empty unless isochronous). */
  readonly isoPackets: readonly IsoPacketRequest[];
  readonly startFrame: number;
  readonly interval: number;
  readonly setup: Uint8Array;
  /** The OUT data stage; empty for IN transfers. */
  readonly data: Uint8Array;
}

/** Where one isochronous packet sits in the URB's transfer buffer (offset and length as the client sent them). */
export interface IsoPacketRequest {
  readonly offset: number;
  readonly length: number;
}

export interface UnlinkRequest {
  readonly kind: 'unlink';
  readonly seqnum: number;
  readonly devid: number;
  readonly unlinkSeqnum: number;
}

export type UsbipRequest =
  | { readonly kind: 'devlist' }
  | { readonly kind: 'import'; readonly busId: string }
  | SubmitRequest
  | UnlinkRequest;

/**
 * Operation phase (devlist/import), then — once the owner accepts an import — URB phase. After any
 * other operation the parser stops: the server answers and closes, as Linux usbipd does.
 */
type Phase = 'operation' | 'awaiting-import-decision' | 'urb' | 'finished';

export class UsbipParser {
  private readonly queue = new ByteQueue();
  private phase: Phase = 'operation';

  /** The import was accepted: the rest of the stream is URB traffic. */
  enterUrbPhase(): void {
    this.phase = 'urb';
  }

  /**
   * Feeds bytes; `onRequest` runs synchronously for each complete request, so it can call
   * `enterUrbPhase` before the bytes that follow an import are looked at. Throws UsbipProtocolError.
   */
  push(chunk: Uint8Array, onRequest: (request: UsbipRequest) => void): void {
    this.queue.push(chunk);
    for (let request = this.next(); request !== undefined; request = this.next()) onRequest(request);
  }

  private next(): UsbipRequest | undefined {
    if (this.phase === 'operation') return this.nextOperation();
    if (this.phase === 'urb') return this.nextUrb();
    // Waiting or finished: a conforming client sends nothing here; drop it rather than buffer it.
    this.queue.clear();
    return undefined;
  }

  private nextOperation(): UsbipRequest | undefined {
    if (this.queue.length < OpCommon.size) return undefined;
    const op = OpCommon.decode(this.queue.peek(OpCommon.size));
    if (op.version !== USBIP_VERSION) {
      throw new UsbipProtocolError(
        'bad-version',
        `USB/IP version 0x${op.version.toString(16)} (want 0x0111)`,
      );
    }
    if (op.code === OpCode.reqDevlist) {
      this.queue.skip(OpCommon.size);
      this.phase = 'finished';
      return { kind: 'devlist' };
    }
    if (op.code !== OpCode.reqImport) {
      throw new UsbipProtocolError('unknown-operation', `operation 0x${op.code.toString(16)}`);
    }
    if (this.queue.length < OpCommon.size + ImportRequest.size) return undefined;
    this.queue.skip(OpCommon.size);
    const { busId } = ImportRequest.decode(this.queue.take(ImportRequest.size));
    this.phase = 'awaiting-import-decision';
    return { kind: 'import', busId: fixedString.decode(busId) };
  }

  private nextUrb(): UsbipRequest | undefined {
    if (this.queue.length < URB_HEADER_SIZE) return undefined;
    const header = this.queue.peek(URB_HEADER_SIZE);
    const { command } = UrbHeaderBasic.decode(header);
    if (command === UrbCommand.cmdUnlink) {
      const unlink = CmdUnlink.decode(this.queue.take(URB_HEADER_SIZE));
      return {
        kind: 'unlink',
        seqnum: unlink.seqnum,
        devid: unlink.devid,
        unlinkSeqnum: unlink.unlinkSeqnum,
      };
    }
    if (command !== UrbCommand.cmdSubmit) {
      throw new UsbipProtocolError('unknown-command', `URB command ${command}`);
    }
    return this.nextSubmit(header);
  }

  private nextSubmit(headerBytes: Uint8Array): SubmitRequest | undefined {
    const header = CmdSubmit.decode(headerBytes);
    checkSubmitFields(header.direction, header.ep);
    const isoPacketCount = isoPacketCountOf(header.numberOfPackets);
    const transferBufferLength = checkedTransferLength(header.transferBufferLength);
    const dataLength = header.direction === UrbDirection.out ? transferBufferLength : 0;
    const total = URB_HEADER_SIZE + dataLength + isoPacketCount * IsoPacketDescriptor.size;
    if (this.queue.length < total) return undefined;
    const message = this.queue.take(total);
    const isoPackets: IsoPacketRequest[] = [];
    for (let i = 0, at = URB_HEADER_SIZE + dataLength; i < isoPacketCount; i++) {
      const { offset, length } = IsoPacketDescriptor.decode(message, at);
      isoPackets.push({ offset, length });
      at += IsoPacketDescriptor.size;
    }
    return {
      kind: 'submit',
      seqnum: header.seqnum,
      devid: header.devid,
      direction: header.direction,
      ep: header.ep,
      transferFlags: header.transferFlags,
      transferBufferLength,
      numberOfPackets: header.numberOfPackets,
      isoPacketCount,
      isoPackets,
      startFrame: header.startFrame,
      interval: header.interval,
      setup: new Uint8Array(header.setup),
      data: message.subarray(URB_HEADER_SIZE, URB_HEADER_SIZE + dataLength),
    };
  }
}

function checkSubmitFields(direction: number, ep: number): void {
  if (direction !== UrbDirection.out && direction !== UrbDirection.in) {
    throw new UsbipProtocolError('bad-field', `direction ${direction}`);
  }
  if (ep > 15) throw new UsbipProtocolError('bad-field', `endpoint ${ep}`);
}

function checkedTransferLength(length: number): number {
  if (length > UsbipLimits.maxTransferBufferLength) {
    throw new UsbipProtocolError('length-limit', `transfer_buffer_length ${length}`);
  }
  return length;
}

function isoPacketCountOf(numberOfPackets: number): number {
  if (numberOfPackets === NOT_ISO) return 0;
  if (numberOfPackets > UsbipLimits.maxIsoPackets) {
    throw new UsbipProtocolError('length-limit', `number_of_packets ${numberOfPackets}`);
  }
  return numberOfPackets;
}
