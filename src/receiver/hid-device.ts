import {
  collectionsFromDescriptor,
  type HidCollectionInfo,
  synthesizeReportDescriptor,
  usesReportIds,
} from '../hid/index.ts';
import { type RemoteDevice, RemoteDeviceError as TransportDeviceError } from '../transport/index.ts';
import { RemoteDeviceError, type RemoteHidDevice } from './sinks/types.ts';

/**
 * The sinks tell failures apart by their own `RemoteDeviceError` (a timeout becomes a USB timeout, a
 * share that ended becomes "no device", ...). The transport has a class of the same shape; without
 * this translation every failure would look like a device error (a STALL).
 */
function asSinkError(error: unknown): never {
  if (error instanceof TransportDeviceError) {
    throw new RemoteDeviceError(error.code, error.message, { cause: error });
  }
  throw error;
}

/** Hex the protocol's schema already checked (pairs of lowercase digits) into bytes. */
function bytesOfHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/**
 * The device's own descriptor when the sharer sent one that parses (with whether it numbers its
 * reports, read from it); otherwise undefined, and the receiver rebuilds one from the collections.
 */
function announcedDescriptor(hex: string | undefined): { bytes: Uint8Array; numbered: boolean } | undefined {
  if (hex === undefined) return undefined;
  const bytes = bytesOfHex(hex);
  try {
    return { bytes, numbered: usesReportIds(collectionsFromDescriptor(bytes)) };
  } catch {
    return undefined; // the peer's bytes are not a descriptor: fall back to the rebuilt one
  }
}

/**
 * Presents a session's RemoteDevice through the sink contract, with the device's own report descriptor
 * when the sharer sent it (a replayed recording), else one rebuilt from its collections.
 */
export function asRemoteHidDevice(device: RemoteDevice): RemoteHidDevice {
  const { vendorId, productId, productName } = device.announcement;
  // The announcement's collections passed the protocol's schema, which mirrors WebHID's HIDCollectionInfo.
  const collections = device.announcement.collections as unknown as HidCollectionInfo[];
  const own = announcedDescriptor(device.announcement.reportDescriptor);
  return {
    info: {
      vendorId,
      productId,
      productName,
      collections,
      reportDescriptor: own?.bytes ?? synthesizeReportDescriptor(collections),
      usesReportIds: own?.numbered ?? usesReportIds(collections),
      descriptorFromDevice: own !== undefined,
    },
    onInput: (listener) => device.onInput(listener),
    onClose: (listener) => device.onClose(listener),
    sendOutputReport: (reportId, data) => device.sendOutputReport(reportId, data).catch(asSinkError),
    getFeatureReport: (reportId) => device.getFeatureReport(reportId).catch(asSinkError),
    setFeatureReport: (reportId, data) => device.setFeatureReport(reportId, data).catch(asSinkError),
  };
}
