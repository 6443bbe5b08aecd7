import type { FakeCollectionInfo, FakeReportInfo } from './config.ts';

/**
 * Chrome's "protected" HID reports: those a web page may never read or write, because they belong to
 * keyboards, mice, system controls (services/device/public/cpp/hid/hid_report_utils.cc IsAlwaysProtected)
 * or to FIDO keys (services/device/public/cpp/hid/hid_blocklist.cc, first static entry).
 * Constants: services/device/public/mojom/hid.mojom.
 */
export type ReportType = 'input' | 'output' | 'feature';

const PAGE_GENERIC_DESKTOP = 0x01;
const PAGE_KEYBOARD = 0x07;
const PAGE_FIDO = 0xf1d0;
const COLLECTION_TYPE_APPLICATION = 0x01;

const GD_POINTER = 0x01;
const GD_MOUSE = 0x02;
const GD_KEYBOARD = 0x06;
const GD_KEYPAD = 0x07;
const GD_SYSTEM_CONTROL = 0x80;
const GD_SYSTEM_WARM_RESTART = 0x8f;
const GD_SYSTEM_DOCK = 0xa0;
const GD_SYSTEM_DISPLAY_SWAP = 0xb6;

/** hid_report_utils.cc IsAlwaysProtected: mouse/keyboard feature reports stay usable, nothing else does. */
export function isAlwaysProtected(usagePage: number, usage: number, type: ReportType): boolean {
  if (usagePage === PAGE_KEYBOARD) return true;
  if (usagePage !== PAGE_GENERIC_DESKTOP) return false;
  if (usage === GD_POINTER || usage === GD_MOUSE || usage === GD_KEYBOARD || usage === GD_KEYPAD) {
    return type !== 'feature';
  }
  if (usage >= GD_SYSTEM_CONTROL && usage <= GD_SYSTEM_WARM_RESTART) return true;
  return usage >= GD_SYSTEM_DOCK && usage <= GD_SYSTEM_DISPLAY_SWAP;
}

/**
 * blink hid_device.cc IsProtectedReportType: the renderer's own list, which also counts the FIDO page
 * (the browser only protects FIDO through the blocklist).
 */
export function isProtectedInRenderer(usagePage: number, usage: number, type: ReportType): boolean {
  return usagePage === PAGE_FIDO || isAlwaysProtected(usagePage, usage, type);
}

export function reportsOf(collection: FakeCollectionInfo, type: ReportType): readonly FakeReportInfo[] {
  if (type === 'input') return collection.inputReports;
  if (type === 'output') return collection.outputReports;
  return collection.featureReports;
}

export function isFidoCollection(collection: FakeCollectionInfo): boolean {
  return collection.usagePage === PAGE_FIDO;
}

function hasReport(collection: FakeCollectionInfo, reportId: number, type: ReportType): boolean {
  return reportsOf(collection, type).some((report) => report.reportId === reportId);
}

/**
 * Report IDs the static HID blocklist protects (hid_blocklist.cc kStaticEntries): every report of a
 * top-level collection on the FIDO usage page. The vendor/product entries there name security keys only;
 * none is in the corpus, so they are not copied.
 */
export function blocklistedReportIds(
  collections: readonly FakeCollectionInfo[],
  type: ReportType,
): Set<number> {
  const ids = new Set<number>();
  for (const collection of collections) {
    if (!isFidoCollection(collection)) continue;
    for (const report of reportsOf(collection, type)) ids.add(report.reportId);
  }
  return ids;
}

/**
 * content/browser/hid/hid_service.cc HasReportInAlwaysProtectedCollection as used by
 * FilterCollectionReports: the collection itself, or an application collection nested in it that also
 * declares the report, has an always-protected usage.
 */
function isInAlwaysProtectedCollection(
  collection: FakeCollectionInfo,
  reportId: number,
  type: ReportType,
): boolean {
  if (isAlwaysProtected(collection.usagePage, collection.usage, type)) return true;
  return collection.children.some(
    (child) =>
      child.type === COLLECTION_TYPE_APPLICATION &&
      hasReport(child, reportId, type) &&
      isInAlwaysProtectedCollection(child, reportId, type),
  );
}

const REPORT_TYPES: readonly ReportType[] = ['input', 'output', 'feature'];

/**
 * What the browser process hands to the renderer: content/browser/hid/hid_service.cc
 * RemoveProtectedReports with kWebHidRecursiveFiltering. Protected reports are removed at every level and
 * collections left without reports or children are pruned; `undefined` means nothing is left.
 */
function filterCollection(
  collection: FakeCollectionInfo,
  blocked: Record<ReportType, Set<number>>,
): FakeCollectionInfo | undefined {
  const children = collection.children
    .map((child) => filterCollection(child, blocked))
    .filter((child): child is FakeCollectionInfo => child !== undefined);
  const kept = (type: ReportType) =>
    reportsOf(collection, type).filter(
      (report) =>
        !isInAlwaysProtectedCollection(collection, report.reportId, type) &&
        !blocked[type].has(report.reportId),
    );
  const filtered: FakeCollectionInfo = {
    ...collection,
    children,
    inputReports: kept('input'),
    outputReports: kept('output'),
    featureReports: kept('feature'),
  };
  const empty = REPORT_TYPES.every((type) => reportsOf(filtered, type).length === 0) && children.length === 0;
  return empty ? undefined : filtered;
}

export function removeProtectedReports(collections: readonly FakeCollectionInfo[]): FakeCollectionInfo[] {
  const blocked = {
    input: blocklistedReportIds(collections, 'input'),
    output: blocklistedReportIds(collections, 'output'),
    feature: blocklistedReportIds(collections, 'feature'),
  };
  return collections
    .map((collection) => filterCollection(collection, blocked))
    .filter((collection): collection is FakeCollectionInfo => collection !== undefined);
}

/**
 * services/device/hid/hid_connection.cc IsReportProtected, evaluated on the UNFILTERED collections as the
 * device service does: blocklisted IDs first, then the top-level collection holding the report
 * (hid_report_utils.cc FindCollectionWithReport), else "does the device have any protected collection".
 */
export function isReportProtected(
  collections: readonly FakeCollectionInfo[],
  usesReportIds: boolean,
  reportId: number,
  type: ReportType,
): boolean {
  if (blocklistedReportIds(collections, type).has(reportId)) return true;
  const holder = findCollectionWithReport(collections, usesReportIds, reportId, type);
  if (holder) return isAlwaysProtected(holder.usagePage, holder.usage, type);
  return collections.some((collection) =>
    REPORT_TYPES.some((anyType) => isAlwaysProtected(collection.usagePage, collection.usage, anyType)),
  );
}

function findCollectionWithReport(
  collections: readonly FakeCollectionInfo[],
  usesReportIds: boolean,
  reportId: number,
  type: ReportType,
): FakeCollectionInfo | undefined {
  if (!usesReportIds) {
    if (reportId !== 0) return undefined;
    return collections.find((collection) => reportsOf(collection, type).length > 0);
  }
  if (reportId === 0) return undefined;
  return collections.find((collection) => hasReport(collection, reportId, type));
}
