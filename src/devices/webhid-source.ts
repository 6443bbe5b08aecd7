import type { CollectionBody } from '../protocol/index.ts';
import { deviceErrorFrom, type HidSource } from './hid-source.ts';

/** Shared clock: page and Node both use timeOrigin + now, so one machine's ends agree (docs/performance.md). */
const now = () => performance.timeOrigin + performance.now();

function copyBytes(view: DataView): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function usesReportIds(collections: readonly CollectionBody[]): boolean {
  const ids = (c: CollectionBody): boolean =>
    [...c.inputReports, ...c.outputReports, ...c.featureReports].some((r) => r.reportId !== 0) ||
    c.children.some(ids);
  return collections.some(ids);
}

/** `navigator.hid`, or any EventTarget that fires WebHID's `disconnect` events. */
export type ConnectionEvents = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/**
 * Adapts a WebHID `HIDDevice` (real, the demo device, or the tests' fake) to HidSource.
 * The device is injected, never taken from a global, so any HIDDevice-shaped object works.
 */
export class WebHidSource implements HidSource {
  readonly collections: readonly CollectionBody[];
  private readonly numbered: boolean;

  constructor(
    private readonly device: HIDDevice,
    private readonly hid: ConnectionEvents,
    /** When an input report was made (ms, wall clock); the share page's knows about frozen tabs. */
    private readonly stamp: () => number = now,
  ) {
    this.collections = device.collections as unknown as CollectionBody[];
    this.numbered = usesReportIds(this.collections);
  }

  get vendorId() {
    return this.device.vendorId;
  }
  get productId() {
    return this.device.productId;
  }
  get productName() {
    return this.device.productName;
  }

  static async open(device: HIDDevice, hid: ConnectionEvents, stamp: () => number = now) {
    try {
      if (!device.opened) await device.open();
    } catch (error) {
      throw deviceErrorFrom(error);
    }
    return new WebHidSource(device, hid, stamp);
  }

  onInput(listener: (reportId: number, data: Uint8Array, timestampMs: number) => void): () => void {
    const handler = (event: HIDInputReportEvent) => {
      const { data } = event;
      listener(event.reportId, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), this.stamp());
    };
    this.device.addEventListener('inputreport', handler);
    return () => this.device.removeEventListener('inputreport', handler);
  }

  onDisconnect(listener: () => void): () => void {
    const handler = (event: Event) => {
      if ((event as HIDConnectionEvent).device === this.device) listener();
    };
    this.hid.addEventListener('disconnect', handler);
    return () => this.hid.removeEventListener('disconnect', handler);
  }

  async sendReport(reportId: number, data: Uint8Array): Promise<void> {
    await this.call(() => this.device.sendReport(reportId, data as Uint8Array<ArrayBuffer>));
  }

  async sendFeatureReport(reportId: number, data: Uint8Array): Promise<void> {
    await this.call(() => this.device.sendFeatureReport(reportId, data as Uint8Array<ArrayBuffer>));
  }

  async receiveFeatureReport(reportId: number): Promise<Uint8Array> {
    const view = await this.call(() => this.device.receiveFeatureReport(reportId));
    const bytes = copyBytes(view);
    // Chrome hands back numbered feature reports with the id as their first byte; Ferry's wire
    // carries the id separately, so strip it here (see docs/hid.md).
    return this.numbered && bytes[0] === reportId ? bytes.subarray(1) : bytes;
  }

  async close(): Promise<void> {
    if (this.device.opened) await this.call(() => this.device.close());
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw deviceErrorFrom(error);
    }
  }
}
