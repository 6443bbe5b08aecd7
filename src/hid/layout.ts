import { HidDescriptorError } from './errors.ts';
import { HID_LIMITS } from './limits.ts';
import type {
  HidCollectionInfo,
  HidDescriptorModel,
  HidReportItem,
  HidReportType,
  LayoutField,
  ReportLayout,
} from './types.ts';

export const REPORT_TYPES: readonly HidReportType[] = ['input', 'output', 'feature'];

const REPORT_LIST: Readonly<Record<HidReportType, 'inputReports' | 'outputReports' | 'featureReports'>> = {
  input: 'inputReports',
  output: 'outputReports',
  feature: 'featureReports',
};

export function reportsOf(collection: HidCollectionInfo, type: HidReportType) {
  return collection[REPORT_LIST[type]];
}

/** Report IDs used by this collection or any descendant. */
export function reportIdsUnder(collection: HidCollectionInfo, type: HidReportType, into = new Set<number>()) {
  for (const report of reportsOf(collection, type)) into.add(report.reportId);
  for (const child of collection.children) reportIdsUnder(child, type, into);
  return into;
}

/**
 * A collection's items for one report in wire order. Chrome copies every item into all ancestors, so a
 * collection's own list is complete; when blink has emptied it (protected usage) the children's lists,
 * in order, are the best remaining evidence.
 */
export function effectiveReportItems(
  collection: HidCollectionInfo,
  type: HidReportType,
  reportId: number,
): HidReportItem[] {
  const own = reportsOf(collection, type).find((report) => report.reportId === reportId);
  if (own) return own.items;
  return collection.children.flatMap((child) => effectiveReportItems(child, type, reportId));
}

/** Whether reports on the wire start with a report ID byte. */
export function usesReportIds(collections: readonly HidCollectionInfo[]): boolean {
  return collections.some((collection) =>
    REPORT_TYPES.some((type) => [...reportIdsUnder(collection, type)].some((id) => id !== 0)),
  );
}

/** Precompiles every report's bit layout once; decoding then only walks typed arrays. */
export function modelFromCollections(collections: HidCollectionInfo[]): HidDescriptorModel {
  const reports = {} as Record<HidReportType, Map<number, ReportLayout>>;
  let totalValues = 0;
  for (const type of REPORT_TYPES) {
    const itemsById = new Map<number, HidReportItem[]>();
    for (const collection of collections) {
      for (const id of reportIdsUnder(collection, type)) {
        const items = itemsById.get(id) ?? [];
        items.push(...effectiveReportItems(collection, type, id));
        itemsById.set(id, items);
      }
    }
    const layouts = new Map<number, ReportLayout>();
    for (const [id, items] of itemsById) {
      const layout = compileLayout(type, id, items);
      totalValues += layout.valueCount;
      if (totalValues > HID_LIMITS.maxTotalValues) {
        throw new HidDescriptorError(
          'too-many-items',
          `more than ${HID_LIMITS.maxTotalValues} report fields`,
        );
      }
      layouts.set(id, layout);
    }
    reports[type] = layouts;
  }
  return { collections, usesReportIds: usesReportIds(collections), reports };
}

export function compileLayout(
  type: HidReportType,
  reportId: number,
  items: readonly HidReportItem[],
): ReportLayout {
  const fields: LayoutField[] = [];
  let bitOffset = 0;
  let valueCount = 0;
  for (const item of items) {
    checkItemBounds(item, type, reportId, bitOffset);
    const segmentsPerSlot = Math.max(1, Math.ceil(item.reportSize / 32));
    fields.push({ item, bitOffset, firstValue: valueCount, segmentsPerSlot });
    bitOffset += item.reportSize * item.reportCount;
    valueCount += segmentsPerSlot * item.reportCount;
  }
  if (valueCount > HID_LIMITS.maxTotalValues) {
    throw new HidDescriptorError(
      'too-many-items',
      `more than ${HID_LIMITS.maxTotalValues} fields in one report`,
    );
  }
  const segmentBitOffset = new Uint32Array(valueCount);
  const segmentBitSize = new Uint8Array(valueCount);
  const segmentSigned = new Uint8Array(valueCount);
  for (const field of fields) fillSegments(field, segmentBitOffset, segmentBitSize, segmentSigned);
  return {
    reportType: type,
    reportId,
    bitLength: bitOffset,
    byteLength: Math.ceil(bitOffset / 8),
    fields,
    valueCount,
    segmentBitOffset,
    segmentBitSize,
    segmentSigned,
  };
}

function checkItemBounds(
  item: HidReportItem,
  type: HidReportType,
  reportId: number,
  bitOffset: number,
): void {
  if (
    !Number.isInteger(item.reportSize) ||
    item.reportSize < 0 ||
    item.reportSize > HID_LIMITS.maxFieldBits
  ) {
    throw new HidDescriptorError(
      'field-too-large',
      `Report Size ${item.reportSize} is outside 0–${HID_LIMITS.maxFieldBits}`,
    );
  }
  const bits = bitOffset + item.reportSize * item.reportCount;
  if (!Number.isInteger(item.reportCount) || item.reportCount < 0 || bits > HID_LIMITS.maxReportBits) {
    throw new HidDescriptorError(
      'report-too-large',
      `${type} report ${reportId} exceeds ${HID_LIMITS.maxReportBits} bits`,
    );
  }
}

function fillSegments(field: LayoutField, offsets: Uint32Array, sizes: Uint8Array, signed: Uint8Array): void {
  const { item, bitOffset, firstValue, segmentsPerSlot } = field;
  // Only whole values of at most 32 bits are sign-extended; wider fields are raw 32-bit chunks.
  const isSigned = item.logicalMinimum < 0 && item.reportSize <= 32 ? 1 : 0;
  for (let slot = 0; slot < item.reportCount; slot++) {
    const slotOffset = bitOffset + slot * item.reportSize;
    for (let segment = 0; segment < segmentsPerSlot; segment++) {
      const index = firstValue + slot * segmentsPerSlot + segment;
      offsets[index] = slotOffset + segment * 32;
      sizes[index] = Math.min(32, item.reportSize - segment * 32);
      signed[index] = isSigned;
    }
  }
}

/** The layout of one report, from a model or straight from collections. */
export function reportLayout(
  source: HidDescriptorModel | HidCollectionInfo[],
  type: HidReportType,
  reportId: number,
): ReportLayout | undefined {
  const model = Array.isArray(source) ? modelFromCollections(source) : source;
  return model.reports[type].get(reportId);
}
