/**
 * The receiver's handle on one shared generic USB device: its descriptors (from the announcement) and
 * transfers that resolve with a status when the sharer's completion arrives. Never rejects for a USB
 * outcome: a stall, a cancel, a timeout, a full queue or the end of the share is a `status`.
 * Timeouts and AbortSignals also tell the sharer to cancel, so its queue frees too.
 */
import {
  encodeUsbRequest,
  type GoneReason,
  type UsbAnnouncement,
  type UsbCompletionMessage,
  UsbDescriptorSet,
  UsbEncodeBuffer,
  type UsbRequestMessage,
  type UsbSetup,
  type UsbStatusName,
} from '../protocol/index.ts';
import { UsbTransferCounters } from './usb-transfer-counters.ts';

export interface UsbTransferResult {
  readonly status: UsbStatusName;
  /** IN data (a copy, owned by the caller); empty for OUT. */
  readonly data: Uint8Array;
  /** IN: data.length; OUT: bytes written. */
  readonly actualLength: number;
}

export interface UsbIsoPacket {
  readonly status: UsbStatusName;
  readonly actualLength: number;
  /** IN: this packet's bytes; empty for OUT. */
  readonly data: Uint8Array;
}

export interface UsbIsoResult {
  readonly status: UsbStatusName;
  readonly packets: readonly UsbIsoPacket[];
}

export interface UsbCallOptions {
  /** 0 = wait for ever (a bulk or interrupt IN may rightly wait for data indefinitely). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface RemoteUsbDeviceOptions {
  readonly maxInFlight?: number;
  /** Control transfers and commands: Linux's USB_CTRL_GET_TIMEOUT is 5 s. */
  readonly controlTimeoutMs?: number;
}

type RequestWithoutId = UsbRequestMessage extends infer R
  ? R extends unknown
    ? Omit<R, 'requestId'>
    : never
  : never;

interface Pending {
  readonly finish: (completion: UsbCompletionMessage) => void;
}

/**
 * Sees a request as it leaves for the sharer (with its id) and returns what to call with its
 * completion — a local timeout, cancel or disconnect included (`ferry receive --capture`).
 */
export type UsbTransferObserver = (request: UsbRequestMessage) => (completion: UsbCompletionMessage) => void;

const EMPTY = new Uint8Array(0);
const NONE: readonly ((completion: UsbCompletionMessage) => void)[] = [];
const DEFAULTS = { maxInFlight: 64, controlTimeoutMs: 5000 } as const;

export class RemoteUsbDevice {
  readonly descriptors: UsbDescriptorSet;
  /** The configuration the sharer's device is in, as far as this side knows. */
  activeConfiguration: number;
  closed = false;
  /** Why it went, once closed: `swapped` when the sharer said a replacement follows. */
  goneReason: GoneReason | undefined;
  /** Every request's outcome, for logs (`ferry receive --sink log`) and stats. */
  readonly counters = new UsbTransferCounters();
  private readonly pending = new Map<number, Pending>();
  private readonly closeListeners = new Set<() => void>();
  private readonly observers = new Set<UsbTransferObserver>();
  private nextRequestId = 1;
  /** Requests are encoded here: `send` borrows the frame, so none needs a buffer of its own. */
  private readonly encoded = new UsbEncodeBuffer();
  private readonly options: Required<RemoteUsbDeviceOptions>;

  constructor(
    readonly index: number,
    announcement: UsbAnnouncement,
    private readonly send: (frame: Uint8Array) => void,
    options: RemoteUsbDeviceOptions = {},
  ) {
    // The announcement may be a view into a message the link reuses: keep copies.
    this.descriptors = new UsbDescriptorSet(
      announcement.descriptors.map((entry) => ({ ...entry, bytes: entry.bytes.slice() })),
    );
    this.activeConfiguration = announcement.activeConfiguration;
    this.options = { ...DEFAULTS, ...options };
  }

  get inFlightCount(): number {
    return this.pending.size;
  }

  controlTransfer(
    setup: UsbSetup,
    data: Uint8Array = EMPTY,
    options: UsbCallOptions = {},
  ): Promise<UsbTransferResult> {
    const timed = { timeoutMs: this.options.controlTimeoutMs, ...options };
    return this.transfer({ kind: 'control', setup, data: setup.requestType & 0x80 ? EMPTY : data }, timed);
  }

  transferIn(endpoint: number, length: number, options: UsbCallOptions = {}): Promise<UsbTransferResult> {
    return this.transfer({ kind: 'transfer', endpoint: endpoint | 0x80, length, data: EMPTY }, options);
  }

  transferOut(endpoint: number, data: Uint8Array, options: UsbCallOptions = {}): Promise<UsbTransferResult> {
    return this.transfer({ kind: 'transfer', endpoint: endpoint & 0x0f, length: data.length, data }, options);
  }

  async isochronousTransferIn(
    endpoint: number,
    packetLengths: readonly number[],
    options: UsbCallOptions = {},
  ): Promise<UsbIsoResult> {
    return isoResult(
      await this.request(
        { kind: 'isochronous', endpoint: endpoint | 0x80, packetLengths, data: EMPTY },
        options,
      ),
    );
  }

  async isochronousTransferOut(
    endpoint: number,
    data: Uint8Array,
    packetLengths: readonly number[],
    options: UsbCallOptions = {},
  ): Promise<UsbIsoResult> {
    return isoResult(
      await this.request({ kind: 'isochronous', endpoint: endpoint & 0x0f, packetLengths, data }, options),
    );
  }

  clearHalt(endpoint: number): Promise<UsbTransferResult> {
    return this.command({ kind: 'clear-halt', endpoint });
  }

  reset(): Promise<UsbTransferResult> {
    return this.command({ kind: 'reset' });
  }

  async selectConfiguration(value: number): Promise<UsbTransferResult> {
    const result = await this.command({ kind: 'select-configuration', value });
    if (result.status === 'ok') this.activeConfiguration = value;
    return result;
  }

  selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<UsbTransferResult> {
    return this.command({ kind: 'select-alternate', interfaceNumber, alternateSetting });
  }

  /**
   * Called by the session for each completion frame of this device. Unknown or late ids are ignored.
   * The completion's data is borrowed (a view into a message the pipeline may reuse) and copied here,
   * once — unless `owned`: the link hands out a fresh buffer per message and the pipeline only takes
   * views of it (PeerChannel.framesOwned), so the view stays valid and the copy (16 KiB per bulk IN, and
   * the garbage collection it costs: docs/performance.md) is skipped. The result then keeps its message
   * (up to one 64 KiB bundle) alive for as long as it is held.
   */
  deliver(completion: UsbCompletionMessage, owned = false): void {
    const pending = this.pending.get(completion.requestId);
    if (pending === undefined) return;
    const keep = owned || completion.data.length === 0;
    pending.finish(keep ? completion : { ...completion, data: completion.data.slice() });
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Every request sent from now on, and its completion. Returns the unsubscribe. */
  observe(observer: UsbTransferObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** The share ended: everything in flight completes `disconnected`, later calls too. */
  /** `swapped`: the sharer replaced it (DEVICE_GONE's reason), read by close listeners. */
  close(reason: GoneReason = 'removed'): void {
    if (this.closed) return;
    this.closed = true;
    this.goneReason = reason;
    for (const [id, pending] of [...this.pending]) pending.finish(local(id, 'disconnected'));
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
  }

  private command(request: RequestWithoutId): Promise<UsbTransferResult> {
    return this.transfer(request, { timeoutMs: this.options.controlTimeoutMs });
  }

  /** Not async: one promise chained on the request's, rather than an async function's own and its turns. */
  private transfer(request: RequestWithoutId, options: UsbCallOptions): Promise<UsbTransferResult> {
    return this.request(request, options).then(transferResult);
  }

  private request(request: RequestWithoutId, options: UsbCallOptions): Promise<UsbCompletionMessage> {
    const id = this.nextRequestId;
    this.nextRequestId = (this.nextRequestId % 0xffffffff) + 1;
    if (this.closed) return Promise.resolve(local(id, 'disconnected'));
    if (options.signal?.aborted) return Promise.resolve(local(id, 'cancelled'));
    if (this.pending.size >= this.options.maxInFlight) return Promise.resolve(local(id, 'busy'));
    const message = { ...request, requestId: id } as UsbRequestMessage;
    const observed = this.observers.size > 0 ? [...this.observers].map((observe) => observe(message)) : NONE;
    return new Promise((resolve) => {
      const timer = options.timeoutMs
        ? setTimeout(() => this.giveUp(id, 'timeout'), options.timeoutMs)
        : undefined;
      const { signal } = options;
      const onAbort = signal ? () => this.giveUp(id, 'cancelled') : undefined;
      if (signal && onAbort) signal.addEventListener('abort', onAbort, { once: true });
      const isIn = isInRequest(request);
      this.pending.set(id, {
        finish: (completion) => {
          this.pending.delete(id);
          this.counters.count(completion.status, actualLengthOf(completion), isIn);
          if (timer !== undefined) clearTimeout(timer);
          if (signal && onAbort) signal.removeEventListener('abort', onAbort);
          for (const completed of observed) completed(completion);
          resolve(completion);
        },
      });
      this.send(encodeUsbRequest(this.index, message, this.encoded));
    });
  }

  /** Ends a request locally and asks the sharer to drop it (its late completion is ignored here). */
  private giveUp(id: number, status: 'timeout' | 'cancelled'): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    pending.finish(local(id, status));
    if (this.closed) return;
    const cancelId = this.nextRequestId;
    this.nextRequestId = (this.nextRequestId % 0xffffffff) + 1;
    this.send(
      encodeUsbRequest(this.index, { kind: 'cancel', requestId: cancelId, target: id }, this.encoded),
    );
  }
}

/** Control transfers go by bmRequestType bit 7, data transfers by the endpoint's; commands move nothing. */
function isInRequest(request: RequestWithoutId): boolean {
  if (request.kind === 'control') return (request.setup.requestType & 0x80) !== 0;
  if (request.kind === 'transfer' || request.kind === 'isochronous') return (request.endpoint & 0x80) !== 0;
  return false;
}

function actualLengthOf(completion: UsbCompletionMessage): number {
  if (completion.kind === 'completion') return completion.actualLength;
  return completion.packets.reduce((total, packet) => total + packet.actualLength, 0);
}

function transferResult(completion: UsbCompletionMessage): UsbTransferResult {
  if (completion.kind !== 'completion') return { status: completion.status, data: EMPTY, actualLength: 0 };
  return { status: completion.status, data: completion.data, actualLength: completion.actualLength };
}

const local = (requestId: number, status: UsbStatusName): UsbCompletionMessage => ({
  kind: 'completion',
  requestId,
  status,
  actualLength: 0,
  data: EMPTY,
});

function isoResult(completion: UsbCompletionMessage): UsbIsoResult {
  if (completion.kind !== 'iso-completion') return { status: completion.status, packets: [] };
  let at = 0;
  const packets = completion.packets.map((packet) => {
    const data =
      completion.data.length === 0 ? EMPTY : completion.data.subarray(at, at + packet.actualLength);
    at += data.length;
    return { ...packet, data };
  });
  return { status: completion.status, packets };
}
