/**
 * A HID device as this machine's sinks see it, outliving the link it came by. Its source, the
 * RemoteDevice of one link, can come and go: while it is gone the device stays presented (no unplug,
 * the same uhid node or USB/IP export), its requests wait for a source or fail at their timeout, and
 * when an equivalent device comes back on a new link it carries on (docs/receiver.md, "Keeping devices").
 */
import type { HidCollectionInfo } from '../../hid/index.ts';
import { type RemoteDevice, RemoteDeviceError as TransportDeviceError } from '../../transport/index.ts';
import { asRemoteHidDevice, asSinkError, observed } from '../hid-device.ts';
import {
  type HidRequestObserver,
  type InputListener,
  RemoteDeviceError,
  type RemoteHidDevice,
  type RemoteHidDeviceInfo,
} from '../sinks/types.ts';
import { FreshnessFilter } from './freshness.ts';
import { NeutralReports } from './neutral-report.ts';

export interface VirtualDeviceOptions {
  /** The freshness bound after a resume (--fresh). */
  readonly freshMs: number;
  /** How long a request may wait for the link to come back, and for the device's answer. */
  readonly requestTimeoutMs: number;
  /** Wall clock, ms (the sharer stamps reports with its own). */
  readonly now?: () => number;
}

export class VirtualHidDevice implements RemoteHidDevice {
  readonly info: RemoteHidDeviceInfo;
  readonly freshness: FreshnessFilter;
  private source: RemoteDevice | undefined;
  private stopInput: (() => void) | undefined;
  private readonly inputListeners = new Set<InputListener>();
  private readonly observers = new Set<HidRequestObserver>();
  private readonly closeListeners = new Set<() => void>();
  /**
   * What to do when the sharer removes the source while its link stays up (`swapped`: it said a
   * replacement follows); default: remove this too.
   */
  sourceGone: (swapped: boolean) => void = () => this.remove();
  /** Requests waiting for a source: each is woken on attach and on removal. */
  private readonly waiting = new Set<() => void>();
  private readonly neutral: NeutralReports;
  private readonly now: () => number;
  /** The smallest (arrival − stamp) on the current source: the clocks' offset plus the best delay. */
  private bestLag = Number.POSITIVE_INFINITY;
  removed = false;

  constructor(
    source: RemoteDevice,
    private readonly options: VirtualDeviceOptions,
  ) {
    this.info = asRemoteHidDevice(source).info;
    this.now = options.now ?? Date.now;
    this.freshness = new FreshnessFilter(options.freshMs, this.now);
    this.neutral = new NeutralReports(this.info.collections as HidCollectionInfo[]);
    this.connect(source);
  }

  get name(): string {
    const { productName, vendorId, productId } = this.info;
    const hex4 = (value: number) => value.toString(16).padStart(4, '0');
    return `${productName || 'a HID device'} (${hex4(vendorId)}:${hex4(productId)})`;
  }

  get staleDropped(): number {
    return this.freshness.dropped;
  }

  get attached(): boolean {
    return this.source !== undefined;
  }

  /** True when `device` is this device again: same ids, same report descriptor. */
  isSameAs(device: RemoteDevice): boolean {
    const other = asRemoteHidDevice(device).info;
    return (
      other.vendorId === this.info.vendorId &&
      other.productId === this.info.productId &&
      sameBytes(other.reportDescriptor, this.info.reportDescriptor)
    );
  }

  /** An equivalent device came back on a new link: it is this device's source from now on. */
  resume(source: RemoteDevice): void {
    this.connect(source);
    this.freshness.resume();
    for (const wake of [...this.waiting]) wake();
  }

  /** The link went down: this device stays, and lets go of everything held (one neutral report per id). */
  detach(): void {
    if (this.source === undefined) return;
    this.stopInput?.();
    this.source = undefined;
    this.release();
  }

  /**
   * The link stalled (the network went away, the link is not down yet): let go of everything held, and
   * judge what comes next by its age, since a reliable channel delivers what queued behind the stall.
   */
  stall(): void {
    if (this.source === undefined) return;
    this.freshness.resume();
    this.release();
  }

  /** One neutral report per input report id seen: nothing stays pressed or keeps moving. */
  private release(): void {
    const at = this.now();
    for (const { reportId, data } of this.neutral.reports()) {
      this.neutral.remember(reportId, data);
      for (const listener of this.inputListeners) listener(reportId, data, at);
    }
  }

  /** Unplugs the device from this machine: the sinks take it away, waiting requests fail 'closed'. */
  remove(): void {
    if (this.removed) return;
    // Quietly: a device that leaves needs no neutral report (the sinks take it away with its state).
    this.stopInput?.();
    this.source = undefined;
    this.removed = true;
    for (const wake of [...this.waiting]) wake();
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
    this.inputListeners.clear();
  }

  onInput(listener: InputListener): () => void {
    this.inputListeners.add(listener);
    return () => this.inputListeners.delete(listener);
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  sendOutputReport(reportId: number, data: Uint8Array): Promise<void> {
    return observed(this.observers, { kind: 'output', reportId, data }, () =>
      this.call((source) => source.sendOutputReport(reportId, data)),
    );
  }

  getFeatureReport(reportId: number): Promise<Uint8Array> {
    return observed(this.observers, { kind: 'feature-get', reportId, data: EMPTY }, () =>
      this.call((source) => source.getFeatureReport(reportId)),
    );
  }

  setFeatureReport(reportId: number, data: Uint8Array): Promise<void> {
    return observed(this.observers, { kind: 'feature-set', reportId, data }, () =>
      this.call((source) => source.setFeatureReport(reportId, data)),
    );
  }

  /** Every request a sink makes of this device, whichever link carries it (`--capture`). */
  onRequest(observer: HidRequestObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  private connect(source: RemoteDevice): void {
    this.stopInput?.();
    this.source = source;
    this.bestLag = Number.POSITIVE_INFINITY;
    this.stopInput = source.onInput((reportId, data, timestampMs) => {
      if (!this.freshness.admit(timestampMs, this.cameOutOfABacklog(timestampMs))) return;
      this.neutral.remember(reportId, data);
      for (const listener of this.inputListeners) listener(reportId, data, timestampMs);
    });
    source.onClose(() => {
      // The link's devices close after the keeper detached them; a source that closes while attached
      // was removed by the sharer (DEVICE_GONE) or the session ended: the owner decides.
      if (this.source === source) this.sourceGone(source.goneReason === 'swapped');
    });
  }

  /**
   * A report far later than the best its link has done came out of a backlog: the network stalled
   * for less than ICE needs to notice (a few seconds), and the reliable channel is now delivering what
   * queued behind it. Relative to the link's own best, so it holds whatever the two clocks say.
   */
  private cameOutOfABacklog(timestampMs: number): boolean {
    const lag = this.now() - timestampMs;
    if (lag < this.bestLag) this.bestLag = lag;
    return lag - this.bestLag > Math.max(BACKLOG_LAG_MS, this.options.freshMs);
  }

  /**
   * One request through whichever source the device has within the timeout. A request whose link went
   * down fails at its deadline as a timeout, not as "no device": the host should retry, not unplug.
   */
  private async call<T>(run: (source: RemoteDevice) => Promise<T>): Promise<T> {
    const deadline = this.now() + this.options.requestTimeoutMs;
    const source = this.source ?? (await this.sourceBefore(deadline));
    try {
      return await run(source);
    } catch (error) {
      if (!(error instanceof TransportDeviceError) || error.code !== 'closed' || this.removed)
        asSinkError(error);
      await sleep(deadline - this.now());
      throw this.linkDownError();
    }
  }

  private sourceBefore(deadline: number): Promise<RemoteDevice> {
    if (this.removed) return Promise.reject(new RemoteDeviceError('closed', 'the device was removed'));
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        if (this.source) resolve(this.source);
        else if (this.removed) reject(new RemoteDeviceError('closed', 'the device was removed'));
        else reject(this.linkDownError());
      };
      const timer = setTimeout(wake, Math.max(0, deadline - this.now()));
      this.waiting.add(wake);
    });
  }

  private linkDownError(): RemoteDeviceError {
    return new RemoteDeviceError(
      'timeout',
      `no answer within ${this.options.requestTimeoutMs} ms: the link to the sharer is down (reconnecting)`,
    );
  }
}

const EMPTY = new Uint8Array(0);

/** Later than the link's best by this much (or --fresh, if larger), a report came out of a backlog. */
const BACKLOG_LAG_MS = 1000;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
