import { synthesizeReportDescriptor, usesReportIds } from '../hid/index.ts';
import type { RemoteDevice } from '../transport/index.ts';
import type { RemoteHidDevice } from './sinks/types.ts';

/** Presents a session's RemoteDevice through the sink contract, with a report descriptor rebuilt for it. */
export function asRemoteHidDevice(device: RemoteDevice): RemoteHidDevice {
  const { vendorId, productId, productName, collections } = device.announcement;
  const reportDescriptor = synthesizeReportDescriptor(collections as never);
  return {
    info: {
      vendorId,
      productId,
      productName,
      collections,
      reportDescriptor,
      usesReportIds: usesReportIds(collections as never),
    },
    onInput: (listener) => device.onInput(listener),
    onClose: (listener) => device.onClose(listener),
    sendOutputReport: (reportId, data) => device.sendOutputReport(reportId, data),
    getFeatureReport: (reportId) => device.getFeatureReport(reportId),
    setFeatureReport: (reportId, data) => device.setFeatureReport(reportId, data),
  };
}
