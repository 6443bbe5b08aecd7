/**
 * Which input values the plots follow: every variable (non-array, non-constant) field slot of at most
 * 32 bits in each input report, split into buttons (the Button page) and axes (everything else). Found
 * once per device from the compiled layouts, so the per-report path only indexes typed arrays.
 */
import { decodeReport, type HidDescriptorModel, usageName } from '../../../hid/index.ts';

const BUTTON_PAGE = 0x09;
/** More than this many lanes or series would not be readable anyway; the rest are left out. */
export const MAX_AXES = 16;
export const MAX_BUTTONS = 32;

export interface PlotChannel {
  readonly label: string;
  readonly reportId: number;
  /** Index of the value in what decodeReportInto writes for this report. */
  readonly valueIndex: number;
  readonly min: number;
  readonly max: number;
}

export interface PlotChannels {
  readonly axes: readonly PlotChannel[];
  readonly buttons: readonly PlotChannel[];
}

export function plotChannels(model: HidDescriptorModel | undefined): PlotChannels {
  const axes: PlotChannel[] = [];
  const buttons: PlotChannel[] = [];
  if (!model) return { axes, buttons };
  const ids = [...model.reports.input.keys()].sort((a, b) => a - b);
  for (const reportId of ids) {
    const layout = model.reports.input.get(reportId);
    if (!layout) continue;
    // Decoding an all-zero report once gives each field's usages per slot (ranges resolved).
    const decoded = decodeReport(model, 'input', reportId, new Uint8Array(layout.byteLength));
    layout.fields.forEach((field, index) => {
      const { item } = field;
      if (item.isConstant || item.isArray || field.segmentsPerSlot !== 1) return;
      const usages = decoded.fields[index]?.usages ?? [];
      for (let slot = 0; slot < item.reportCount; slot++) {
        const usage = usages[slot] ?? 0;
        const isButton = usage >>> 16 === BUTTON_PAGE;
        const into = isButton ? buttons : axes;
        if (into.length >= (isButton ? MAX_BUTTONS : MAX_AXES)) continue;
        into.push({
          label: channelLabel(usage),
          reportId,
          valueIndex: field.firstValue + slot,
          min: item.logicalMinimum,
          max: item.logicalMaximum,
        });
      }
    });
  }
  return { axes, buttons };
}

/** "X", "Rz", "Button 1": short names (the full "Generic Desktop / X" is in the collection tree). */
function channelLabel(usage: number): string {
  if (usage === 0) return 'no usage';
  const name = usageName(usage);
  return name.split(' / ').pop() ?? name;
}
