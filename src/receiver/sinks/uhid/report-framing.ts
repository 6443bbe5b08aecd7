/**
 * Report-number prefixes between uhid and a WebHID-shaped device. Documentation/hid/uhid.rst: "If
 * numbered reports are used for a type, all messages from the kernel already have the report-number
 * as prefix. Otherwise, no prefix is added by the kernel. For messages sent by user-space to the
 * kernel, you must adjust the prefixes according to these flags" — the flags of UHID_START.
 *
 * Known gap: hidraw passes user data through untouched, so an application that writes a leading 0
 * to an UNnumbered device (hidapi's convention, which usbhid strips) reaches the device with that 0
 * still in front. Stripping it safely needs the report's size from the parsed descriptor (src/hid).
 */
import { UhidDevFlag, UhidReportType } from './layout.ts';

export interface SplitReport {
  readonly reportId: number;
  readonly data: Uint8Array;
}

export function isNumbered(devFlags: number, reportType: UhidReportType): boolean {
  const flag =
    reportType === UhidReportType.FEATURE
      ? UhidDevFlag.NUMBERED_FEATURE
      : reportType === UhidReportType.OUTPUT
        ? UhidDevFlag.NUMBERED_OUTPUT
        : UhidDevFlag.NUMBERED_INPUT;
  return (devFlags & flag) !== 0;
}

/** Kernel → device: drops the prefix of numbered reports (its first byte is the id). */
export function splitReportId(numbered: boolean, fallbackId: number, bytes: Uint8Array): SplitReport {
  if (!numbered) return { reportId: 0, data: bytes };
  return { reportId: bytes[0] ?? fallbackId, data: bytes.subarray(1) };
}

/** Device → kernel: adds the prefix when the report type is numbered. */
export function joinReportId(numbered: boolean, reportId: number, data: Uint8Array): Uint8Array {
  if (!numbered) return data;
  const joined = new Uint8Array(data.length + 1);
  joined[0] = reportId;
  joined.set(data, 1);
  return joined;
}

/** The dev_flags to assume before UHID_START arrives, from the share's own description. */
export function devFlagsFromReportIds(usesReportIds: boolean): number {
  return usesReportIds
    ? UhidDevFlag.NUMBERED_FEATURE | UhidDevFlag.NUMBERED_OUTPUT | UhidDevFlag.NUMBERED_INPUT
    : 0;
}
