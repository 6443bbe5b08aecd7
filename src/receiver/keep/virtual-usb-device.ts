/**
 * A generic USB device as this machine's USB sinks see it (a USB/IP export, a usbredir device),
 * outliving the link it came by, like VirtualHidDevice for HID. While its link is down transfers wait
 * for a link within their timeout and otherwise complete `timeout` (never `disconnected`, which would
 * make the host's driver give the device up); an IN transfer cut by the link going down is sent again on
 * the next link, an OUT one is never repeated. Equivalent: the same device, configuration and BOS
 * descriptors, byte for byte.
 */
import { UsbDescriptorType, type UsbSetup, type UsbStatusName } from '../../protocol/index.ts';
import type {
  RemoteUsbDevice as LinkUsbDevice,
  UsbCallOptions,
  UsbIsoResult,
  UsbTransferObserver,
  UsbTransferResult,
} from '../../transport/index.ts';
import type { RemoteUsbDevice } from '../sinks/types.ts';
import { usbProductName } from '../sinks/usb-log.ts';

/** Control transfers and commands without a timeout of their own (Linux's USB_CTRL_GET_TIMEOUT). */
const CONTROL_TIMEOUT_MS = 5000;
const EMPTY = new Uint8Array(0);
const IDENTITY = new Set<number>([UsbDescriptorType.device, UsbDescriptorType.configuration, 15]);

type Result = UsbTransferResult | UsbIsoResult;

export interface VirtualUsbOptions {
  /**
   * How long a transfer waits for a link while there is none, at most (and never past its own
   * timeout). Unset: as long as its own timeout, or, for one without (a bulk or interrupt IN may rightly
   * wait for ever), as long as the device is kept. The web API sets it (its requestTimeoutMs), so that
   * a page's transfer made while the link is down ends as a timeout rather than wait out the grace.
   */
  readonly linkWaitMs?: number;
}

export class VirtualUsbDevice implements RemoteUsbDevice {
  readonly descriptors: LinkUsbDevice['descriptors'];
  private source: LinkUsbDevice | undefined;
  /** The last link's device: its counters and configuration while there is none. */
  private last: LinkUsbDevice;
  private readonly closeListeners = new Set<() => void>();
  private readonly waiting = new Set<() => void>();
  /** Observers (the capture sink), each subscribed to the current link's device: observer → unsubscribe. */
  private readonly observers = new Map<UsbTransferObserver, (() => void) | undefined>();
  /**
   * What to do when the sharer removes the source while its link stays up (`swapped`: it said a
   * replacement follows); default: remove this too.
   */
  sourceGone: (swapped: boolean) => void = () => this.remove();
  removed = false;

  constructor(
    source: LinkUsbDevice,
    private readonly options: VirtualUsbOptions = {},
  ) {
    this.descriptors = source.descriptors;
    this.last = source;
    this.connect(source);
  }

  get name(): string {
    const { vendorId, productId } = this.descriptors.device;
    const hex4 = (value: number) => value.toString(16).padStart(4, '0');
    return `${usbProductName(this)} (${hex4(vendorId)}:${hex4(productId)})`;
  }

  get attached(): boolean {
    return this.source !== undefined;
  }

  get activeConfiguration(): number {
    return (this.source ?? this.last).activeConfiguration;
  }

  /** The transfers of the current (or last) link's device. */
  get counters(): LinkUsbDevice['counters'] {
    return (this.source ?? this.last).counters;
  }

  get staleDropped(): number {
    return 0;
  }

  isSameAs(device: LinkUsbDevice): boolean {
    const identity = (set: LinkUsbDevice['descriptors']) =>
      set.entries
        .filter((entry) => IDENTITY.has(entry.type))
        .sort((a, b) => a.type - b.type || a.index - b.index);
    const mine = identity(this.descriptors);
    const theirs = identity(device.descriptors);
    return (
      mine.length === theirs.length &&
      mine.every((entry, i) => {
        const other = theirs[i]!;
        return (
          entry.type === other.type && entry.index === other.index && sameBytes(entry.bytes, other.bytes)
        );
      })
    );
  }

  /** An equivalent device on a new link: in the configuration the host had chosen, then it carries on. */
  resume(source: LinkUsbDevice): void {
    const configuration = this.activeConfiguration;
    this.connect(source);
    if (source.activeConfiguration !== configuration) void source.selectConfiguration(configuration);
    for (const wake of [...this.waiting]) wake();
  }

  detach(): void {
    if (this.source === undefined) return;
    this.last = this.source;
    this.source = undefined;
    for (const [observer, unsubscribe] of this.observers) {
      unsubscribe?.();
      this.observers.set(observer, undefined);
    }
  }

  remove(): void {
    if (this.removed) return;
    this.detach();
    this.removed = true;
    for (const wake of [...this.waiting]) wake();
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Every request sent through whichever link's device, and its completion. Returns the unsubscribe. */
  observe(observer: UsbTransferObserver): () => void {
    this.observers.set(observer, this.source?.observe(observer));
    return () => {
      this.observers.get(observer)?.();
      this.observers.delete(observer);
    };
  }

  controlTransfer(setup: UsbSetup, data: Uint8Array = EMPTY, options: UsbCallOptions = {}) {
    const timed = { timeoutMs: CONTROL_TIMEOUT_MS, ...options };
    const isIn = (setup.requestType & 0x80) !== 0;
    return this.call(
      (source, left) => source.controlTransfer(setup, data, left),
      timed,
      isIn,
      transferFailed,
    );
  }

  transferIn(endpoint: number, length: number, options: UsbCallOptions = {}) {
    return this.call(
      (source, left) => source.transferIn(endpoint, length, left),
      options,
      true,
      transferFailed,
    );
  }

  transferOut(endpoint: number, data: Uint8Array, options: UsbCallOptions = {}) {
    return this.call(
      (source, left) => source.transferOut(endpoint, data, left),
      options,
      false,
      transferFailed,
    );
  }

  isochronousTransferIn(endpoint: number, packetLengths: readonly number[], options: UsbCallOptions = {}) {
    const run = (source: LinkUsbDevice, left: UsbCallOptions) =>
      source.isochronousTransferIn(endpoint, packetLengths, left);
    return this.call(run, options, true, isoFailed);
  }

  isochronousTransferOut(
    endpoint: number,
    data: Uint8Array,
    packetLengths: readonly number[],
    options: UsbCallOptions = {},
  ) {
    const run = (source: LinkUsbDevice, left: UsbCallOptions) =>
      source.isochronousTransferOut(endpoint, data, packetLengths, left);
    return this.call(run, options, false, isoFailed);
  }

  clearHalt(endpoint: number) {
    return this.command((source) => source.clearHalt(endpoint));
  }

  reset() {
    return this.command((source) => source.reset());
  }

  selectConfiguration(value: number) {
    return this.command((source) => source.selectConfiguration(value));
  }

  selectAlternateInterface(interfaceNumber: number, alternateSetting: number) {
    return this.command((source) => source.selectAlternateInterface(interfaceNumber, alternateSetting));
  }

  private connect(source: LinkUsbDevice): void {
    this.source = source;
    this.last = source;
    for (const observer of this.observers.keys()) this.observers.set(observer, source.observe(observer));
    source.onClose(() => {
      if (this.source === source) this.sourceGone(source.goneReason === 'swapped');
    });
  }

  private command(run: (source: LinkUsbDevice) => Promise<UsbTransferResult>): Promise<UsbTransferResult> {
    return this.call((source) => run(source), { timeoutMs: CONTROL_TIMEOUT_MS }, false, transferFailed);
  }

  /**
   * One transfer through whichever link's device there is within the deadline (none: wait as long as
   * the link is down). A source that completes it `disconnected` because its link went down is not the
   * end: an IN goes again on the next link, an OUT completes `timeout`.
   */
  private async call<R extends Result>(
    run: (source: LinkUsbDevice, options: UsbCallOptions) => Promise<R>,
    options: UsbCallOptions,
    isIn: boolean,
    failed: (status: UsbStatusName) => R,
  ): Promise<R> {
    const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : undefined;
    for (;;) {
      const source =
        this.source ?? (await this.sourceBefore(this.linkWaitDeadline(deadline), options.signal));
      if (source === undefined) return failed(this.stopStatus(options.signal));
      const left = deadline === undefined ? 0 : Math.max(1, deadline - Date.now());
      const result = await run(source, { ...options, timeoutMs: left });
      const cut = result.status === 'disconnected' && !this.removed && this.source !== source;
      if (!cut) return result;
      if (!isIn) {
        if (deadline !== undefined) await sleep(deadline - Date.now());
        return failed('timeout');
      }
    }
  }

  /** The transfer's own deadline, or sooner the end of the wait for a link (`linkWaitMs`). */
  private linkWaitDeadline(deadline: number | undefined): number | undefined {
    const { linkWaitMs } = this.options;
    if (linkWaitMs === undefined) return deadline;
    return Math.min(deadline ?? Number.POSITIVE_INFINITY, Date.now() + linkWaitMs);
  }

  private stopStatus(signal: AbortSignal | undefined): UsbStatusName {
    if (this.removed) return 'disconnected';
    return signal?.aborted ? 'cancelled' : 'timeout';
  }

  /** The next link's device, or undefined at the deadline, on abort or on removal. */
  private sourceBefore(
    deadline: number | undefined,
    signal?: AbortSignal,
  ): Promise<LinkUsbDevice | undefined> {
    if (this.removed || signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', wake);
        this.waiting.delete(wake);
        resolve(this.removed ? undefined : this.source);
      };
      const timer = deadline === undefined ? undefined : setTimeout(wake, Math.max(0, deadline - Date.now()));
      signal?.addEventListener('abort', wake, { once: true });
      this.waiting.add(wake);
    });
  }
}

const transferFailed = (status: UsbStatusName): UsbTransferResult => ({
  status,
  data: EMPTY,
  actualLength: 0,
});
const isoFailed = (status: UsbStatusName): UsbIsoResult => ({ status, packets: [] });

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
