/**
 * The input report a device would send if the person let go of it: buttons and keys released, relative
 * axes (motion, wheel) at zero, absolute axes (sticks, sliders, positions) where they were. A kept
 * device gets one per input report when its link goes down, so that nothing on this machine stays
 * pressed or keeps moving while the sharer is away (docs/receiver.md, "When the link goes down").
 */
import {
  decodeReport,
  encodeReport,
  type HidCollectionInfo,
  type HidDescriptorModel,
  type HidReportItem,
  modelFromCollections,
} from '../../hid/index.ts';

const HAT_SWITCH = 0x0001_0039;

/** The neutral twin of `last` (an input report without its id byte), by the descriptor's layout. */
export function neutralReport(model: HidDescriptorModel, reportId: number, last: Uint8Array): Uint8Array {
  const decoded = decodeReport(model, 'input', reportId, last);
  for (const field of decoded.fields) {
    const { item, values, usages } = field;
    const perSlot = values.length / Math.max(1, item.reportCount);
    for (let slot = 0; slot < item.reportCount; slot++) {
      const at = slot * perSlot;
      const value = neutralValue(item, field.kind, usages[slot] ?? 0, values[at]!);
      // Fields wider than 32 bits are chunks: neutral is all of them at 0, or all left as they were.
      if (perSlot === 1) values[at] = value;
      else if (value === 0) values.fill(0, at, at + perSlot);
    }
  }
  return encodeReport(model, 'input', reportId, decoded);
}

/** The released value of one slot. */
function neutralValue(item: HidReportItem, kind: string, usage: number, current: number): number {
  if (kind === 'constant') return current;
  if (kind === 'array') return noSelection(item);
  if (!item.isAbsolute) return 0;
  if (usage === HAT_SWITCH) return item.hasNull ? (outOfRange(item) ?? current) : current;
  if (isSwitch(item, usage)) return released(item);
  return current;
}

/** Buttons, keyboard keys and modifiers, and any one-bit on/off control (tip switch, in range, mute). */
function isSwitch(item: HidReportItem, usage: number): boolean {
  const page = usage >>> 16;
  if (page === 0x09 || page === 0x07) return true;
  return item.reportSize === 1 && item.logicalMinimum === 0 && item.logicalMaximum === 1;
}

function released(item: HidReportItem): number {
  return item.logicalMinimum <= 0 && item.logicalMaximum >= 0 ? 0 : item.logicalMinimum;
}

/** An array slot that selects nothing: 0 when 0 means "no event" (or is out of range), else a null value. */
function noSelection(item: HidReportItem): number {
  if (0 < item.logicalMinimum || 0 > item.logicalMaximum) return 0;
  if ((arrayUsage(item, 0) & 0xffff) === 0) return 0;
  return outOfRange(item) ?? 0;
}

/** HID's "null state": a value outside the logical range that the field can still carry. */
function outOfRange(item: HidReportItem): number | undefined {
  const signed = item.logicalMinimum < 0;
  const size = Math.min(item.reportSize, 32);
  const lowest = signed ? -(2 ** (size - 1)) : 0;
  const highest = signed ? 2 ** (size - 1) - 1 : 2 ** size - 1;
  if (item.logicalMaximum + 1 <= highest) return item.logicalMaximum + 1;
  if (item.logicalMinimum - 1 >= lowest) return item.logicalMinimum - 1;
  return undefined;
}

/** The usage an array value selects (HID 1.11 §6.2.2.5: value − logical minimum indexes the usages). */
function arrayUsage(item: HidReportItem, value: number): number {
  const index = value - item.logicalMinimum;
  if (item.isRange) {
    const usage = (item.usageMinimum ?? 0) + index;
    return usage <= (item.usageMaximum ?? 0) ? usage : 0;
  }
  return item.usages?.[index] ?? 0;
}

/**
 * Remembers the last input report of each report id (copied into a buffer per id, allocated once) and
 * gives their neutral twins when asked. A report id never seen left nothing pressed and gets none.
 */
export class NeutralReports {
  private readonly model: HidDescriptorModel | undefined;
  private readonly last = new Map<number, { bytes: Uint8Array; length: number }>();

  constructor(collections: readonly HidCollectionInfo[]) {
    this.model = modelOrUndefined(collections);
  }

  remember(reportId: number, data: Uint8Array): void {
    if (this.model === undefined) return;
    let kept = this.last.get(reportId);
    if (kept === undefined || kept.bytes.length < data.length) {
      if (!this.model.reports.input.has(reportId)) return;
      kept = { bytes: new Uint8Array(Math.max(data.length, 64)), length: 0 };
      this.last.set(reportId, kept);
    }
    kept.bytes.set(data);
    kept.length = data.length;
  }

  /** One neutral report per input report id seen, in id order; ids whose last report is short are skipped. */
  reports(): Array<{ reportId: number; data: Uint8Array }> {
    const model = this.model;
    if (model === undefined) return [];
    const out: Array<{ reportId: number; data: Uint8Array }> = [];
    for (const [reportId, kept] of [...this.last].sort(([a], [b]) => a - b)) {
      const last = kept.bytes.subarray(0, kept.length);
      const layout = model.reports.input.get(reportId);
      if (layout === undefined || last.length < layout.byteLength) continue;
      out.push({ reportId, data: neutralReport(model, reportId, last) });
    }
    return out;
  }
}

/** A descriptor the engine cannot lay out gets no neutral reports (the sinks presented it all the same). */
function modelOrUndefined(collections: readonly HidCollectionInfo[]): HidDescriptorModel | undefined {
  try {
    return modelFromCollections([...collections]);
  } catch {
    return undefined;
  }
}
