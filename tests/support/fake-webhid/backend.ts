/**
 * The browser-process and device-service side of WebHID, as the fake renderer objects (hid.ts,
 * device.ts) see it: blink talks to content/browser/hid/hid_service.cc (HidService) and, once a device
 * is open, to one services/device/hid/hid_connection_impl.cc pipe per connection.
 */

import type { FakeCollectionInfo } from './config.ts';

/** One open connection (a `device.mojom.HidConnection` pipe). Results arrive in a later task. */
export interface ConnectionLink {
  write(reportId: number, data: Uint8Array): Promise<boolean>;
  sendFeatureReport(reportId: number, data: Uint8Array): Promise<boolean>;
  /** The bytes as the platform returns them, or undefined when the request failed. */
  getFeatureReport(reportId: number): Promise<Uint8Array | undefined>;
  /** The renderer dropped its end of the pipe (HIDDevice.close() or forget()). */
  close(): void;
}

/** The renderer's end (`device.mojom.HidConnectionClient`) plus the pipe's disconnect handler. */
export interface ConnectionClient {
  onInputReport(reportId: number, data: Uint8Array): void;
  onConnectionError(): void;
}

/** What an HIDDevice needs from HidService. */
export interface DeviceService {
  /** Resolves to undefined when Chrome would hand back a null connection (no permission, unplugged). */
  connect(guid: string, client: ConnectionClient): Promise<ConnectionLink | undefined>;
  forget(guid: string): Promise<void>;
}

/** The device as HidService describes it to the renderer (a `device.mojom.HidDeviceInfo`). */
export interface DeviceInfo {
  readonly guid: string;
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  /** Already stripped of protected reports by the browser (hid_service.cc RemoveProtectedReports). */
  readonly collections: readonly FakeCollectionInfo[];
}
