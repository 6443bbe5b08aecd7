import type { CollectionBody } from '../protocol/index.ts';

/** A HID device on the sharer's side, whatever it is backed by (WebHID, the demo device, a test fake). */
export interface HidSource {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  readonly collections: readonly CollectionBody[];
  /** The device's own report descriptor, when known (a replayed recording); WebHID never exposes it. */
  readonly reportDescriptor?: Uint8Array;
  /** `data` excludes the report id; `timestampMs` is on the shared clock (timeOrigin + now). */
  onInput(listener: (reportId: number, data: Uint8Array, timestampMs: number) => void): () => void;
  onDisconnect(listener: () => void): () => void;
  sendReport(reportId: number, data: Uint8Array): Promise<void>;
  sendFeatureReport(reportId: number, data: Uint8Array): Promise<void>;
  /** Resolves to the report data WITHOUT the report id byte. */
  receiveFeatureReport(reportId: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** A device-side failure, mapped from the browser's DOMException at the adapter. */
export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  constructor(
    readonly code: 'not-allowed' | 'not-open' | 'disconnected' | 'device-error' | 'cancelled',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function deviceErrorFrom(error: unknown): DeviceError {
  if (error instanceof DeviceError) return error;
  const name = (error as { name?: unknown })?.name;
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new DeviceError('not-allowed', message, { cause: error });
    case 'InvalidStateError':
      return new DeviceError('not-open', message, { cause: error });
    case 'NetworkError':
    case 'NotFoundError':
      return new DeviceError('disconnected', message, { cause: error });
    default:
      return new DeviceError('device-error', message, { cause: error });
  }
}
