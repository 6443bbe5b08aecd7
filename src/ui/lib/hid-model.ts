/** Reads a remote device's announcement through src/hid: layouts, usage names and decoded input fields. */
import {
  type DecodedField,
  decodeReport,
  type HidCollectionInfo,
  type HidDescriptorModel,
  type HidReportItem,
  type HidReportType,
  modelFromCollections,
  usageName,
} from '../../hid/index.ts';
import type { DeviceAnnouncement } from '../../protocol/index.ts';

/** undefined when the announced collections cannot be laid out (the raw views still work). */
export function modelOf(announcement: DeviceAnnouncement): HidDescriptorModel | undefined {
  try {
    // The announcement is validated WebHID collection data; the shapes match member for member.
    return modelFromCollections(announcement.collections as unknown as HidCollectionInfo[]);
  } catch {
    return undefined;
  }
}

export function reportIds(model: HidDescriptorModel | undefined, type: HidReportType): number[] {
  return model ? [...model.reports[type].keys()].sort((a, b) => a - b) : [];
}

export function byteLength(model: HidDescriptorModel | undefined, type: HidReportType, id: number) {
  return model?.reports[type].get(id)?.byteLength;
}

export const COLLECTION_TYPES = [
  'Physical',
  'Application',
  'Logical',
  'Report',
  'Named Array',
  'Usage Switch',
  'Usage Modifier',
];

export function collectionLabel(collection: HidCollectionInfo): string {
  const type = COLLECTION_TYPES[collection.type] ?? `Type ${collection.type}`;
  // Usage 0 means the descriptor gave the collection no usage ("Button 0" would mislead).
  const usage = collection.usage === 0 ? 'no usage' : usageName(collection.usage, collection.usagePage);
  return `${type} collection · ${usage}`;
}

/** "Generic Desktop / X, Y, Z · 3 × 16 bits · −350..350", or "padding · 14 bits". */
export function itemLabel(item: HidReportItem): string {
  const bits =
    item.reportCount === 1 ? `${item.reportSize} bits` : `${item.reportCount} × ${item.reportSize} bits`;
  if (item.isConstant) return `padding · ${bits}`;
  const range = `${item.logicalMinimum}..${item.logicalMaximum}`;
  return `${itemUsages(item)} · ${bits} · ${range}${item.isArray ? ' · array' : ''}`;
}

function itemUsages(item: HidReportItem): string {
  if (item.isRange) return `${usageName(item.usageMinimum ?? 0)} … ${usageName(item.usageMaximum ?? 0)}`;
  const names = (item.usages ?? []).map((usage) => usageName(usage));
  return names.length > 0 ? shortenShared(names) : 'no usage';
}

/** "Generic Desktop / X, Generic Desktop / Y" → "Generic Desktop / X, Y". */
function shortenShared(names: string[]): string {
  const page = names[0]?.split(' / ')[0];
  if (page === undefined || !names.every((name) => name.startsWith(`${page} / `))) return names.join(', ');
  return `${page} / ${names.map((name) => name.slice(page.length + 3)).join(', ')}`;
}

export interface FieldValue {
  label: string;
  value: number;
  /** Buttons are shown as on/off; everything else as a number. */
  isButton: boolean;
  min: number;
  max: number;
}

const BUTTON_PAGE = 0x09;

/** The meaningful values of one input report, or [] when it does not match the descriptor. */
export function decodedValues(
  model: HidDescriptorModel | undefined,
  reportId: number,
  data: Uint8Array,
): FieldValue[] {
  if (!model?.reports.input.has(reportId)) return [];
  try {
    return decodeReport(model, 'input', reportId, data).fields.flatMap(fieldValues);
  } catch {
    return [];
  }
}

function fieldValues(field: DecodedField): FieldValue[] {
  if (field.kind === 'constant') return [];
  const { item } = field;
  return field.usages.map((usage, slot) => {
    const value = field.values[slot * (field.values.length / Math.max(1, item.reportCount))] ?? 0;
    const isButton = usage >>> 16 === BUTTON_PAGE && field.kind === 'variable';
    const label = field.kind === 'array' ? `${usageName(usage)} (slot ${slot + 1})` : usageName(usage);
    return { label, value, isButton, min: item.logicalMinimum, max: item.logicalMaximum };
  });
}
