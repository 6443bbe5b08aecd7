/**
 * A real HID device through node-hid (hidraw on Linux) as a HidSource: what `ferry share <selector>`
 * shares. hidapi's convention is hidraw's: every report it reads or writes starts with the report id
 * byte when the descriptor numbers its reports; writes and feature requests always start with one (0 for
 * a device without ids). Ferry's wire carries the id apart from the data, so the id is split off here.
 */
import { DeviceError, type HidSource, reportByteLengths } from '../devices/index.ts';
import { collectionsFromDescriptor, usesReportIds } from '../hid/index.ts';
import type { CollectionBody } from '../protocol/index.ts';

/** The few HIDAsync (node-hid 3) calls the source makes: a real HIDAsync fits, and so does a test's object. */
export interface HidHandle {
  on(event: 'data', listener: (data: Uint8Array) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  write(data: Buffer): Promise<number>;
  sendFeatureReport(data: Buffer): Promise<number>;
  getFeatureReport(reportId: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface NodeHidSourceInfo {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  /** The device's raw report descriptor, sent as it is in the announcement. */
  readonly reportDescriptor: Uint8Array;
}

/** Shared clock, as WebHidSource stamps reports: timeOrigin + now. */
const now = () => performance.timeOrigin + performance.now();

/** The announcement carries at most 256 characters of name (protocol/bodies.ts). */
const MAX_NAME_LENGTH = 256;

export class NodeHidSource implements HidSource {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  readonly reportDescriptor: Uint8Array;
  readonly collections: readonly CollectionBody[];
  private readonly numbered: boolean;
  private readonly featureLengths: ReadonlyMap<number, number>;
  private readonly inputListeners = new Set<(reportId: number, data: Uint8Array, at: number) => void>();
  private readonly disconnectListeners = new Set<() => void>();
  private gone = false;
  private closed = false;

  /** Throws HidDescriptorError when the report descriptor does not parse. */
  constructor(
    private readonly handle: HidHandle,
    info: NodeHidSourceInfo,
  ) {
    // No browser stands between: keyboards' and mice's reports are shared too (blink would hide them).
    const collections = collectionsFromDescriptor(info.reportDescriptor, { protectedReports: 'keep' });
    this.collections = collections as unknown as CollectionBody[];
    this.vendorId = info.vendorId;
    this.productId = info.productId;
    this.productName = info.productName.slice(0, MAX_NAME_LENGTH);
    this.reportDescriptor = info.reportDescriptor;
    this.numbered = usesReportIds(collections);
    this.featureLengths = reportByteLengths(this.collections, 'feature');
    handle.on('data', this.onData);
    handle.on('error', this.onError);
  }

  onInput(listener: (reportId: number, data: Uint8Array, timestampMs: number) => void): () => void {
    this.inputListeners.add(listener);
    return () => this.inputListeners.delete(listener);
  }

  onDisconnect(listener: () => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  async sendReport(reportId: number, data: Uint8Array): Promise<void> {
    await this.call(() => this.handle.write(withId(reportId, data)));
  }

  async sendFeatureReport(reportId: number, data: Uint8Array): Promise<void> {
    await this.call(() => this.handle.sendFeatureReport(withId(reportId, data)));
  }

  /** The report's data without its id byte (hidraw always returns the id first). */
  async receiveFeatureReport(reportId: number): Promise<Uint8Array> {
    const length = this.featureLengths.get(reportId);
    if (length === undefined)
      throw new DeviceError('device-error', `the device has no feature report ${reportId}`);
    const bytes = await this.call(() => this.handle.getFeatureReport(reportId, length + 1));
    return bytes.subarray(1);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close().catch(() => undefined);
  }

  private readonly onData = (bytes: Uint8Array): void => {
    if (this.closed) return;
    const at = now();
    if (!this.numbered) {
      for (const listener of this.inputListeners) listener(0, bytes, at);
      return;
    }
    if (bytes.length === 0) return; // a numbered report too short to hold its id
    const data = bytes.subarray(1);
    for (const listener of this.inputListeners) listener(bytes[0]!, data, at);
  };

  /** node-hid reports a failed read (the device was unplugged) as `error`, and reads no more. */
  private readonly onError = (): void => {
    if (this.gone || this.closed) return;
    this.gone = true;
    for (const listener of [...this.disconnectListeners]) listener();
  };

  private async call<T>(request: () => Promise<T>): Promise<T> {
    if (this.gone) throw new DeviceError('disconnected', 'the device is gone');
    if (this.closed) throw new DeviceError('not-open', 'the device is closed');
    try {
      return await request();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new DeviceError(this.gone ? 'disconnected' : 'device-error', message, { cause: error });
    }
  }
}

/** hidapi's framing of a report to write: the id byte (0 without ids), then the data. */
function withId(reportId: number, data: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(data.length + 1);
  framed[0] = reportId;
  framed.set(data, 1);
  return framed;
}
