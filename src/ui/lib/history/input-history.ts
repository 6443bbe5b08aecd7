/**
 * Everything the receiver's plots draw, fed once per input report without allocating: the report is
 * decoded with the descriptor engine's decodeReportInto into a scratch array of its report id, its axes
 * go into an AxisRing, its buttons' changes into ButtonEdges, and its age into a LatencyHistogram.
 */
import { decodeReportInto, type HidDescriptorModel, type ReportLayout } from '../../../hid/index.ts';
import { AxisRing } from './axis-ring.ts';
import { ButtonEdges } from './button-edges.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { type PlotChannels, plotChannels } from './plot-channels.ts';

/** 8192 rows: 4 s of two reports a millisecond, 8 s at 1 kHz, over two minutes at 60 Hz. */
export const AXIS_ROWS = 8192;
export const BUTTON_EDGES = 1024;

interface ReportPlan {
  layout: ReportLayout;
  values: Float64Array;
  /** Pairs (value index, axis index), then (value index, button index). */
  axes: Int32Array;
  buttons: Int32Array;
}

export class InputHistory {
  readonly channels: PlotChannels;
  readonly axes: AxisRing;
  readonly buttons: ButtonEdges;
  readonly latency = new LatencyHistogram();
  /** Reports recorded, and those the layout could not decode (too short). */
  reports = 0;
  undecodable = 0;
  private readonly plans = new Map<number, ReportPlan>();

  constructor(model: HidDescriptorModel | undefined, rows = AXIS_ROWS, edges = BUTTON_EDGES) {
    this.channels = plotChannels(model);
    this.axes = new AxisRing(this.channels.axes.length, rows);
    this.buttons = new ButtonEdges(this.channels.buttons.length, edges);
    for (const [reportId, layout] of model?.reports.input ?? []) {
      this.plans.set(reportId, {
        layout,
        values: new Float64Array(layout.valueCount),
        axes: pairsFor(this.channels.axes, reportId),
        buttons: pairsFor(this.channels.buttons, reportId),
      });
    }
  }

  /** `receivedMs` is performance.now() here; `ageMs` the report's age by the shared clock. */
  record(reportId: number, data: Uint8Array, receivedMs: number, ageMs: number): void {
    this.reports += 1;
    this.latency.add(ageMs);
    const plan = this.plans.get(reportId);
    if (plan === undefined) return;
    if (data.length < plan.layout.byteLength) {
      this.undecodable += 1;
      return;
    }
    decodeReportInto(plan.layout, data, plan.values);
    const seconds = receivedMs / 1000;
    const { axes, buttons, values } = plan;
    for (let i = 0; i < axes.length; i += 2) this.axes.set(axes[i + 1]!, values[axes[i]!]!);
    if (axes.length > 0) this.axes.push(seconds);
    for (let i = 0; i < buttons.length; i += 2)
      this.buttons.set(buttons[i + 1]!, values[buttons[i]!] !== 0, seconds);
  }
}

function pairsFor(channels: PlotChannels['axes'], reportId: number): Int32Array {
  const pairs: number[] = [];
  channels.forEach((channel, index) => {
    if (channel.reportId === reportId) pairs.push(channel.valueIndex, index);
  });
  return Int32Array.from(pairs);
}
