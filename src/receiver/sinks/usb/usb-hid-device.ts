/** From a shared RemoteHidDevice to the HidFunction a USB sink presents. */
import type { RemoteHidDevice, RemoteHidDeviceInfo } from '../types.ts';
import { HidFunction } from './hid-function.ts';
import { buildHidUsbDescriptors, type HidUsbDescriptors } from './hid-usb-descriptors.ts';

/** Report sizes in bytes WITHOUT the report id byte. */
export interface HidReportSizes {
  readonly maxInputReportSize: number;
  /** 0 when the device has no output reports (then no interrupt OUT endpoint is declared). */
  readonly maxOutputReportSize: number;
}

/** Where report sizes come from: src/hid's reportLayout once it exists, a fixed guess until then. */
export type ReportSizesOf = (info: RemoteHidDeviceInfo) => HidReportSizes;

/**
 * Without a layout: a 64-byte IN endpoint (the full-speed maximum, so no report is cut short) and no
 * OUT endpoint — hosts then send output reports as SET_REPORT(Output), which still reaches the device.
 */
export const fallbackReportSizes: ReportSizesOf = () => ({ maxInputReportSize: 64, maxOutputReportSize: 0 });

/** The descriptors a USB host reads of a shared HID device (the usbip and usbredir sinks, the capture). */
export function hidUsbDescriptorsFor(
  info: RemoteHidDeviceInfo,
  serialNumber: string,
  reportSizesOf: ReportSizesOf = fallbackReportSizes,
): HidUsbDescriptors {
  const sizes = reportSizesOf(info);
  return buildHidUsbDescriptors({
    vendorId: info.vendorId,
    productId: info.productId,
    productName: info.productName || 'Ferry HID device',
    serialNumber,
    reportDescriptor: info.reportDescriptor,
    usesReportIds: info.usesReportIds,
    maxInputReportSize: sizes.maxInputReportSize,
    maxOutputReportSize: sizes.maxOutputReportSize,
  });
}

export function createHidFunction(
  device: RemoteHidDevice,
  serialNumber: string,
  reportSizesOf: ReportSizesOf = fallbackReportSizes,
): HidFunction {
  return new HidFunction(device, hidUsbDescriptorsFor(device.info, serialNumber, reportSizesOf));
}
