import { readCollections } from './parser.ts';
import type { RawCollection, ReportMap } from './raw-collection.ts';
import type { HidCollectionInfo, HidReportInfo, HidReportType } from './types.ts';

export interface CollectionsOptions {
  /**
   * 'omit' (default) does what blink's HIDDevice::UpdateDeviceInfo does: for a TOP-LEVEL collection with
   * a protected usage it empties that collection's input/output/feature report lists (children keep
   * theirs). 'keep' returns the device service's view, before that filter.
   */
  protectedReports?: 'omit' | 'keep';
}

/** The `HIDDevice.collections` Chrome gives for a device with this report descriptor. */
export function collectionsFromDescriptor(
  bytes: Uint8Array,
  options: CollectionsOptions = {},
): HidCollectionInfo[] {
  const collections = readCollections(bytes).map(toCollectionInfo);
  return options.protectedReports === 'keep' ? collections : collections.map(omitProtectedReports);
}

export function toCollectionInfo(raw: RawCollection): HidCollectionInfo {
  return {
    children: raw.children.map(toCollectionInfo),
    featureReports: toReportInfos(raw.reports.feature),
    inputReports: toReportInfos(raw.reports.input),
    outputReports: toReportInfos(raw.reports.output),
    type: raw.type,
    usage: raw.usage,
    usagePage: raw.usagePage,
  };
}

function toReportInfos(reports: ReportMap): HidReportInfo[] {
  const infos: HidReportInfo[] = [];
  // Each collection gets its own copies so callers may mutate one without touching its ancestors.
  for (const [reportId, items] of reports.entries()) {
    infos.push({ items: items.map((item) => structuredClone(item)), reportId });
  }
  return infos;
}

const PAGE_GENERIC_DESKTOP = 0x01;
const PAGE_KEYBOARD = 0x07;
const PAGE_FIDO = 0xf1d0;

/** blink hid_device.cc IsProtectedReportType. */
export function isProtectedReportType(usagePage: number, usage: number, reportType: HidReportType): boolean {
  if (usagePage === PAGE_FIDO || usagePage === PAGE_KEYBOARD) return true;
  if (usagePage !== PAGE_GENERIC_DESKTOP) return false;
  // Pointer, Mouse, Keyboard, Keypad: feature reports stay visible.
  if (usage === 0x01 || usage === 0x02 || usage === 0x06 || usage === 0x07) return reportType !== 'feature';
  // System Control … System Warm Restart, System Dock … System Display Swap.
  return (usage >= 0x80 && usage <= 0x8f) || (usage >= 0xa0 && usage <= 0xb6);
}

function omitProtectedReports(collection: HidCollectionInfo): HidCollectionInfo {
  const hide = (type: HidReportType) => isProtectedReportType(collection.usagePage, collection.usage, type);
  return {
    ...collection,
    featureReports: hide('feature') ? [] : collection.featureReports,
    inputReports: hide('input') ? [] : collection.inputReports,
    outputReports: hide('output') ? [] : collection.outputReports,
  };
}
