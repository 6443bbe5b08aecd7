import { type HidCollectionInfo, synthesizeReportDescriptor, usesReportIds } from '../hid/index.ts';
import { type RemoteDevice, RemoteDeviceError as TransportDeviceError } from '../transport/index.ts';
import { RemoteDeviceError, type RemoteHidDevice } from './sinks/types.ts';

/**
 * The sinks tell failures apart by their own `RemoteDeviceError` (a timeout becomes a USB timeout, a
 * share that ended becomes "no device", ...). The transport has a class of the same shape; without
 * this translation every failure would look like a device error (a STALL).
 */
export function asSinkError(error: unknown): never {
  if (error instanceof TransportDeviceError) {
    throw new RemoteDeviceError(error.code, error.message, { cause: error });
  }
  throw error;
}

/** Presents a session's RemoteDevice through the sink contract, with a report descriptor rebuilt for it. */
export function asRemoteHidDevice(device: RemoteDevice): RemoteHidDevice {
  const { vendorId, productId, productName } = device.announcement;
  // The announcement's collections passed the protocol's schema, which mirrors WebHID's HIDCollectionInfo.
  const collections = device.announcement.collections as unknown as HidCollectionInfo[];
  return {
    info: {
      vendorId,
      productId,
      productName,
      collections,
      reportDescriptor: synthesizeReportDescriptor(collections),
      usesReportIds: usesReportIds(collections),
    },
    onInput: (listener) => device.onInput(listener),
    onClose: (listener) => device.onClose(listener),
    sendOutputReport: (reportId, data) => device.sendOutputReport(reportId, data).catch(asSinkError),
    getFeatureReport: (reportId) => device.getFeatureReport(reportId).catch(asSinkError),
    setFeatureReport: (reportId, data) => device.setFeatureReport(reportId, data).catch(asSinkError),
  };
}
