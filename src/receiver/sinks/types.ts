/**
 * The contract between the headless receiver and the sinks that make a shared device real on this
 * machine (log, uhid, usbip, usbredir). A sink never sees the network: it gets one `RemoteHidDevice`
 * per shared HID device (or a `RemoteUsbDevice` per generic USB device, when it can present those) and
 * talks to the real device only through it.
 */
import type { RemoteUsbDevice } from '../../transport/usb-remote-device.ts';

export type { RemoteUsbDevice };

/** WebHID's `HIDCollectionInfo`, as plain data (see src/hid for the full type). */
export type HidCollections = readonly unknown[];

export interface RemoteHidDeviceInfo {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  /** Exactly the `HIDDevice.collections` the sharer's browser reported. */
  readonly collections: HidCollections;
  /**
   * The device's own report descriptor when the sharer sent it (`descriptorFromDevice`: a replayed
   * recording), else one rebuilt from `collections` (src/hid synthesizeReportDescriptor).
   */
  readonly reportDescriptor: Uint8Array;
  readonly descriptorFromDevice?: boolean;
  /** True when the descriptor declares report ids (the id byte then leads every report on the wire). */
  readonly usesReportIds: boolean;
}

export type InputListener = (reportId: number, data: Uint8Array, timestampMs: number) => void;

/** Why a request to the real device failed; sinks map it to their own error status. */
export class RemoteDeviceError extends Error {
  constructor(
    readonly code: 'timeout' | 'closed' | 'device-error' | 'unsupported' | 'not-allowed',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RemoteDeviceError';
  }
}

/** A request a sink made of the real device, as `onRequest` observers see it. */
export interface HidRequest {
  readonly kind: 'output' | 'feature-get' | 'feature-set';
  readonly reportId: number;
  /** The report data WITHOUT the id byte; empty for feature-get. */
  readonly data: Uint8Array;
}

export type HidRequestOutcome =
  | {
      readonly ok: true /** feature-get: the report data without the id byte; else empty. */;
      readonly data: Uint8Array;
    }
  | { readonly ok: false; readonly error: RemoteDeviceError };

/** Sees a request as it leaves and returns what to call with its outcome. */
export type HidRequestObserver = (request: HidRequest) => (outcome: HidRequestOutcome) => void;

export interface RemoteHidDevice {
  readonly info: RemoteHidDeviceInfo;
  /** Input reports as they arrive; `data` excludes the report id byte. Returns an unsubscribe. */
  onInput(listener: InputListener): () => void;
  /** Fires once when the share ends; in-flight requests have already been rejected with 'closed'. */
  onClose(listener: () => void): () => void;
  /** `data` excludes the report id byte. Rejects with RemoteDeviceError. */
  sendOutputReport(reportId: number, data: Uint8Array): Promise<void>;
  /** Resolves to the report data WITHOUT the report id byte. Rejects with RemoteDeviceError. */
  getFeatureReport(reportId: number): Promise<Uint8Array>;
  setFeatureReport(reportId: number, data: Uint8Array): Promise<void>;
  /**
   * Every request any sink makes from now on, and its outcome (`ferry receive --capture`). Optional:
   * a device that cannot tell simply is not observed. Returns the unsubscribe.
   */
  onRequest?(observer: HidRequestObserver): () => void;
}

/** A place where shared devices become real. One sink instance can host many devices. */
export interface Sink {
  readonly name: string;
  /** Present the device; resolves once it is visible on this machine (or rejects with the reason). */
  attach(device: RemoteHidDevice): Promise<void>;
  /**
   * Present a generic USB device (docs/webusb.md). Sinks without it cannot: the receiver then neither
   * asks the sharer for USB devices nor gets any.
   */
  attachUsb?(device: RemoteUsbDevice): Promise<void>;
  /**
   * Checks up front what attach() will need (a device node, a port), so that a receiver that cannot
   * present anything fails before it pairs rather than when the first device arrives.
   */
  prepare?(): Promise<void>;
  /** After attach(): what a person does next to use the device, one line each (no trailing newline). */
  describe?(device: RemoteHidDevice | RemoteUsbDevice): readonly string[];
  /** Shut the sink down: every presented device disappears and pending host requests complete with errors. */
  close(): Promise<void>;
}
