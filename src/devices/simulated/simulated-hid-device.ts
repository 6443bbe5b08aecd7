import type { CollectionBody } from '../../protocol/index.ts';
import { reportByteLengths } from '../report-lengths.ts';

export interface SimulatedDeviceSpec {
  vendorId: number;
  productId: number;
  productName: string;
  collections: CollectionBody[];
}

/**
 * A device that behaves like a WebHID `HIDDevice` but lives in the page, so the demo takes exactly the
 * same path as real hardware. Feature reports are remembered; output reports are announced as events
 * ('output') so the demo can show them (e.g. the SpaceNavigator's LED).
 */
export class SimulatedHidDevice extends EventTarget {
  opened = false;
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  readonly collections: CollectionBody[];
  oninputreport: ((event: Event) => void) | null = null;
  private readonly features = new Map<number, Uint8Array>();
  private readonly outputLengths: Map<number, number>;

  constructor(spec: SimulatedDeviceSpec) {
    super();
    this.vendorId = spec.vendorId;
    this.productId = spec.productId;
    this.productName = spec.productName;
    this.collections = spec.collections;
    this.outputLengths = reportByteLengths(spec.collections, 'output');
    for (const [id, length] of reportByteLengths(spec.collections, 'feature')) {
      this.features.set(id, new Uint8Array(length));
    }
  }

  async open(): Promise<void> {
    this.opened = true;
  }

  async close(): Promise<void> {
    this.opened = false;
  }

  async forget(): Promise<void> {
    this.opened = false;
  }

  /** Delivers an input report the way WebHID does: id apart, data as a DataView. */
  emitInput(reportId: number, data: Uint8Array): void {
    if (!this.opened) return;
    const event = Object.assign(new Event('inputreport'), {
      device: this,
      reportId,
      data: new DataView(data.buffer, data.byteOffset, data.byteLength),
    });
    this.oninputreport?.(event);
    this.dispatchEvent(event);
  }

  async sendReport(reportId: number, data: BufferSource): Promise<void> {
    this.requireOpen();
    if (!this.outputLengths.has(reportId))
      throw new DOMException('Failed to write the report.', 'NotAllowedError');
    const bytes = toBytes(data);
    this.dispatchEvent(Object.assign(new Event('output'), { reportId, data: bytes }));
  }

  async sendFeatureReport(reportId: number, data: BufferSource): Promise<void> {
    this.requireOpen();
    const stored = this.features.get(reportId);
    if (!stored) throw new DOMException('Failed to write the feature report.', 'NotAllowedError');
    stored.set(toBytes(data).subarray(0, stored.length));
  }

  async receiveFeatureReport(reportId: number): Promise<DataView> {
    this.requireOpen();
    const stored = this.features.get(reportId);
    if (!stored) throw new DOMException('Failed to receive the feature report.', 'NotAllowedError');
    // Like Chrome, a numbered feature report comes back with its id as the first byte.
    const bytes = Uint8Array.of(reportId, ...stored);
    return new DataView(bytes.buffer);
  }

  private requireOpen(): void {
    if (!this.opened) throw new DOMException('The device must be opened first.', 'InvalidStateError');
  }
}

function toBytes(data: BufferSource): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}
