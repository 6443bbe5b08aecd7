import { readBits, signExtend, writeBits } from './bits.ts';
import { HidDescriptorError } from './errors.ts';
import type { HidDescriptorModel, HidReportItem, HidReportType, LayoutField, ReportLayout } from './types.ts';

export interface DecodedField {
  readonly item: HidReportItem;
  readonly kind: 'constant' | 'variable' | 'array';
  /**
   * Logical values, one per report slot (sign-extended when the logical minimum is negative). A field
   * wider than 32 bits gives ⌈size/32⌉ unsigned little-endian chunks per slot. This is a view into
   * `DecodedReport.values`: writing it changes what `encodeReport` produces.
   */
  readonly values: Float64Array;
  /** Per slot: the usage a variable reports, or the usage an array index selects (0 when none). */
  readonly usages: number[];
}

export interface DecodedReport {
  readonly reportType: HidReportType;
  readonly reportId: number;
  /** Every value of every field, constants and padding included, in wire order. */
  readonly values: Float64Array;
  readonly fields: DecodedField[];
  /** The bits between the last field and the end of its byte, kept so encoding is byte-exact. */
  readonly paddingBits: number;
  /** Bytes the device sent beyond the declared report length (a view into the input, not a copy). */
  readonly trailingBytes: Uint8Array;
}

export interface EncodableReport {
  readonly values: ArrayLike<number>;
  readonly paddingBits?: number;
  readonly trailingBytes?: Uint8Array;
}

/** `data` is the report without its ID byte, as WebHID's `inputreport` event delivers it. */
export function decodeReport(
  model: HidDescriptorModel,
  reportType: HidReportType,
  reportId: number,
  data: Uint8Array,
): DecodedReport {
  const layout = requireLayout(model, reportType, reportId);
  const values = new Float64Array(layout.valueCount);
  decodeReportInto(layout, data, values);
  return {
    reportType,
    reportId,
    values,
    fields: layout.fields.map((field) => describeField(field, values)),
    paddingBits: readBits(data, layout.bitLength, layout.byteLength * 8 - layout.bitLength),
    trailingBytes: data.subarray(layout.byteLength),
  };
}

/**
 * The hot path: writes `layout.valueCount` values into `out` and allocates nothing. With an Int32Array,
 * unsigned 32-bit values above 2³¹−1 wrap; use a Float64Array when a field can hold them.
 */
export function decodeReportInto(
  layout: ReportLayout,
  data: Uint8Array,
  out: Int32Array | Float64Array,
): number {
  if (data.length < layout.byteLength) {
    throw new HidDescriptorError(
      'report-too-short',
      `${layout.reportType} report ${layout.reportId} has ${data.length} bytes; its layout needs ${layout.byteLength}`,
    );
  }
  const offsets = layout.segmentBitOffset;
  const sizes = layout.segmentBitSize;
  const signed = layout.segmentSigned;
  const count = layout.valueCount;
  for (let i = 0; i < count; i++) {
    const size = sizes[i]!;
    const raw = readBits(data, offsets[i]!, size);
    out[i] = signed[i] === 1 ? signExtend(raw, size) : raw;
  }
  return count;
}

export function encodeReport(
  model: HidDescriptorModel,
  reportType: HidReportType,
  reportId: number,
  report: EncodableReport,
): Uint8Array {
  const layout = requireLayout(model, reportType, reportId);
  const trailing = report.trailingBytes ?? new Uint8Array(0);
  const out = new Uint8Array(layout.byteLength + trailing.length);
  encodeReportInto(layout, report.values, out);
  writeBits(out, layout.bitLength, layout.byteLength * 8 - layout.bitLength, report.paddingBits ?? 0);
  out.set(trailing, layout.byteLength);
  return out;
}

/** Writes every field value into `out` (at least `layout.byteLength` bytes); other bits are left as they are. */
export function encodeReportInto(layout: ReportLayout, values: ArrayLike<number>, out: Uint8Array): void {
  if (values.length < layout.valueCount || out.length < layout.byteLength) {
    throw new HidDescriptorError(
      'report-too-short',
      `${layout.reportType} report ${layout.reportId} needs ${layout.valueCount} values and ${layout.byteLength} bytes`,
    );
  }
  for (let i = 0; i < layout.valueCount; i++) {
    writeBits(out, layout.segmentBitOffset[i]!, layout.segmentBitSize[i]!, values[i]!);
  }
}

function requireLayout(model: HidDescriptorModel, reportType: HidReportType, reportId: number): ReportLayout {
  const layout = model.reports[reportType].get(reportId);
  if (!layout) {
    throw new HidDescriptorError(
      'unknown-report',
      `no ${reportType} report with ID ${reportId} in the descriptor`,
    );
  }
  return layout;
}

function describeField(field: LayoutField, values: Float64Array): DecodedField {
  const { item } = field;
  const view = values.subarray(field.firstValue, field.firstValue + item.reportCount * field.segmentsPerSlot);
  const kind = item.isConstant ? 'constant' : item.isArray ? 'array' : 'variable';
  const usages: number[] = [];
  for (let slot = 0; slot < item.reportCount; slot++) {
    if (kind === 'variable') usages.push(variableUsage(item, slot));
    else if (kind === 'array') usages.push(arrayUsage(item, view[slot * field.segmentsPerSlot]!));
    else usages.push(0);
  }
  return { item, kind, values: view, usages };
}

/** HID 1.11 §6.2.2.8: usages pair with slots in order; the last usage repeats for the remaining slots. */
function variableUsage(item: HidReportItem, slot: number): number {
  if (item.isRange) return Math.min((item.usageMinimum ?? 0) + slot, item.usageMaximum ?? 0);
  const usages = item.usages ?? [];
  return usages[Math.min(slot, usages.length - 1)] ?? 0;
}

/** An array slot holds an index into the usage list (offset by the logical minimum); out of range is "none". */
function arrayUsage(item: HidReportItem, value: number): number {
  if (value < item.logicalMinimum || value > item.logicalMaximum) return 0;
  const index = value - item.logicalMinimum;
  if (item.isRange) {
    const usage = (item.usageMinimum ?? 0) + index;
    return usage <= (item.usageMaximum ?? 0) ? usage : 0;
  }
  return item.usages?.[index] ?? 0;
}
