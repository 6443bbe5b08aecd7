/**
 * HID report descriptor engine: parse a descriptor the way Chrome does, give WebHID's collections,
 * rebuild a descriptor from them, and decode/encode reports. Platform-free (browser and Node).
 */
import { toCollectionInfo } from './chrome-collections.ts';
import { modelFromCollections } from './layout.ts';
import { readCollections } from './parser.ts';
import type { HidDescriptorModel } from './types.ts';

export {
  type CollectionsOptions,
  collectionsFromDescriptor,
  isProtectedReportType,
} from './chrome-collections.ts';
export {
  type DecodedField,
  type DecodedReport,
  decodeReport,
  decodeReportInto,
  type EncodableReport,
  encodeReport,
  encodeReportInto,
} from './codec.ts';
export { HidDescriptorError, type HidDescriptorErrorCode, isHidDescriptorError } from './errors.ts';
export { modelFromCollections, reportLayout, usesReportIds } from './layout.ts';
export { HID_LIMITS } from './limits.ts';
export { synthesizeReportDescriptor } from './synthesize.ts';
export type {
  HidCollectionInfo,
  HidDescriptorModel,
  HidReportInfo,
  HidReportItem,
  HidReportType,
  HidUnitSystem,
  LayoutField,
  ReportLayout,
} from './types.ts';
export { usageName, usagePageName } from './usages.ts';

/** Parses a raw descriptor into Chrome's collections (before blink's protected filter) plus report layouts. */
export function parseReportDescriptor(bytes: Uint8Array): HidDescriptorModel {
  return modelFromCollections(readCollections(bytes).map(toCollectionInfo));
}
