/** USB endpoint sizing from the shared device's own report layout (src/hid), for the usbip and usbredir sinks. */
import { type HidCollectionInfo, modelFromCollections, type ReportLayout } from '../../hid/index.ts';
import type { RemoteHidDeviceInfo } from './types.ts';
import { fallbackReportSizes, type HidReportSizes, type ReportSizesOf } from './usb/usb-hid-device.ts';

function largest(layouts: ReadonlyMap<number, ReportLayout>): number {
  let size = 0;
  for (const layout of layouts.values()) size = Math.max(size, layout.byteLength);
  return size;
}

/**
 * The largest input and output report, without the id byte. Collections that src/hid rejects fall
 * back to a 64-byte IN endpoint and no OUT endpoint: a share must not fail over endpoint sizing.
 */
export const hidReportSizes: ReportSizesOf = (info: RemoteHidDeviceInfo): HidReportSizes => {
  try {
    const { reports } = modelFromCollections(info.collections as HidCollectionInfo[]);
    return { maxInputReportSize: largest(reports.input), maxOutputReportSize: largest(reports.output) };
  } catch {
    return fallbackReportSizes(info);
  }
};
