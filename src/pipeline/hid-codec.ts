/**
 * Adapts the HID descriptor engine (src/hid) to the ReportCodec that coalesce and discard use: each
 * value of each input report gets a role from its item flags and usage.
 */
import {
  decodeReportInto,
  encodeReportInto,
  type HidDescriptorModel,
  type HidReportItem,
  type LayoutField,
  type ReportLayout,
} from '../hid/index.ts';
import { type InputReportShape, type ReportCodec, ValueRole } from './codec.ts';

const usage = (page: number, id: number) => page * 0x10000 + id;

/**
 * Usages of continuous absolute quantities, where an average or a small deadband is meaningful. Anything
 * not listed (hat switches, contact IDs, vendor bytes, battery levels) is treated as an edge: never merged.
 */
const AXIS_USAGES = new Set<number>([
  // Generic Desktop: X, Y, Z, Rx, Ry, Rz, Slider, Dial, Wheel; Vx … Vbrz.
  ...[0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38].map((id) => usage(0x01, id)),
  ...[0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48].map((id) => usage(0x01, id)),
  // Simulation: aileron, elevator, rudder, throttle, accelerator, brake, steering.
  ...[0xb0, 0xb8, 0xba, 0xbb, 0xc4, 0xc5, 0xc8].map((id) => usage(0x02, id)),
  // Digitizer: tip/barrel pressure, tilt X/Y, azimuth, altitude, twist, width, height.
  ...[0x30, 0x31, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x48, 0x49].map((id) => usage(0x0d, id)),
]);

/** Digitizer Scan Time: a running counter; only its newest value means anything. */
const LATEST_USAGES = new Set<number>([usage(0x0d, 0x56)]);

export function reportCodecFromModel(model: HidDescriptorModel): ReportCodec {
  const shapes = new Map<number, InputReportShape>();
  for (const [reportId, layout] of model.reports.input) shapes.set(reportId, shapeOf(layout));
  return { input: (reportId) => shapes.get(reportId) };
}

function shapeOf(layout: ReportLayout): InputReportShape {
  const roles = new Uint8Array(layout.valueCount);
  const minimum = new Float64Array(layout.valueCount);
  const maximum = new Float64Array(layout.valueCount);
  for (const field of layout.fields) describeField(field, roles, minimum, maximum);
  return {
    byteLength: layout.byteLength,
    valueCount: layout.valueCount,
    roles,
    minimum,
    maximum,
    decode: (data, out) => {
      decodeReportInto(layout, data, out);
    },
    encode: (values, out) => encodeReportInto(layout, values, out),
  };
}

function describeField(
  field: LayoutField,
  roles: Uint8Array,
  minimum: Float64Array,
  maximum: Float64Array,
): void {
  const { item, firstValue, segmentsPerSlot } = field;
  for (let slot = 0; slot < item.reportCount; slot++) {
    for (let segment = 0; segment < segmentsPerSlot; segment++) {
      const index = firstValue + slot * segmentsPerSlot + segment;
      roles[index] = segmentsPerSlot === 1 ? roleOf(item, slot) : ValueRole.Edge;
      minimum[index] = item.logicalMinimum;
      maximum[index] = item.logicalMaximum;
    }
  }
}

function roleOf(item: HidReportItem, slot: number): ValueRole {
  if (item.isConstant || item.isArray || item.reportSize < 2) return ValueRole.Edge;
  if (!item.isAbsolute) return ValueRole.Relative;
  const slotUsage = variableUsage(item, slot);
  if (LATEST_USAGES.has(slotUsage)) return ValueRole.Latest;
  if (!AXIS_USAGES.has(slotUsage)) return ValueRole.Edge;
  // A null state (a value outside the logical range meaning "no data") must not be averaged.
  return item.hasNull ? ValueRole.Latest : ValueRole.Axis;
}

/** HID 1.11 §6.2.2.8: usages pair with slots in order; the last usage repeats for the remaining slots. */
function variableUsage(item: HidReportItem, slot: number): number {
  if (item.isRange) return Math.min((item.usageMinimum ?? 0) + slot, item.usageMaximum ?? 0);
  const usages = item.usages ?? [];
  return usages[Math.min(slot, usages.length - 1)] ?? 0;
}
