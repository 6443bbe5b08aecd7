/**
 * coalesce: merges input reports of one device+report ID that arrive within a window, for high-rate
 * devices on slow links. Sender-only (the receiver half passes frames through); the wire is unchanged.
 *
 * Semantics, value by value (roles from the HID descriptor, see codec.ts):
 *  - relative values are summed; when a sum would leave the field's logical range the held report is sent
 *    first, so no motion is lost;
 *  - axes are averaged over the merged reports (absolute=average) or take the newest (absolute=latest);
 *  - any other change (button, key, hat, contact ID, unknown field) is an edge: what was held is sent, then
 *    the new report at once, so a press and a release inside one window stay two reports.
 * A report after a quiet window leaves immediately; reports that follow within the window are merged
 * and sent when it ends (carrying the newest timestamp). A report merged with nothing is sent byte for
 * byte as it came. Other frames of the device first release what is held, so order across types holds.
 */
import { INPUT_HEADER, isInputFrame } from '../bytes.ts';
import type { Cancel } from '../clock.ts';
import { type InputReportShape, ValueRole } from '../codec.ts';
import { choice, duration, type ParamValues } from '../params.ts';
import { type ChannelClass, defineStage, passThrough, type StageContext, type StageHalf } from '../stage.ts';
import { createStateLookup, HeldFrame } from './report-state.ts';

const coalesceParams = {
  window: duration(4, 0, 1000, 'reports within this window are merged'),
  absolute: choice(['average', 'latest'], 'average', 'how absolute axes merge'),
} as const;

type CoalesceParams = ParamValues<typeof coalesceParams>;

export const coalesce = defineStage({
  name: 'coalesce',
  summary: 'Merges bursts of reports (motion summed, axes averaged) without losing a button press.',
  scope: 'device',
  rank: 10,
  params: coalesceParams,
  createSender: (values, context) => new Coalescer(values, context),
  createReceiver: (_values, context) => passThrough(context),
});

class ReportMerge {
  readonly incoming: Float64Array;
  readonly reference: Float64Array;
  readonly sums: Float64Array;
  readonly output: Float64Array;
  hasReference = false;
  merged = 0;
  readonly held = new HeldFrame();

  constructor(readonly shape: InputReportShape) {
    this.incoming = new Float64Array(shape.valueCount);
    this.reference = new Float64Array(shape.valueCount);
    this.sums = new Float64Array(shape.valueCount);
    this.output = new Float64Array(shape.valueCount);
  }

  /** Whether `incoming` differs from the last report sent or held in anything but relative values and axes. */
  hasEdge(): boolean {
    if (!this.hasReference) return true;
    const { roles } = this.shape;
    for (let i = 0; i < roles.length; i++) {
      if (roles[i] === ValueRole.Edge && this.incoming[i] !== this.reference[i]) return true;
    }
    return false;
  }

  /** Whether adding `incoming` would push a relative sum outside its field's logical range. */
  wouldSaturate(): boolean {
    const { roles, minimum, maximum } = this.shape;
    for (let i = 0; i < roles.length; i++) {
      if (roles[i] !== ValueRole.Relative) continue;
      const sum = this.sums[i]! + this.incoming[i]!;
      if (sum < minimum[i]! || sum > maximum[i]!) return true;
    }
    return false;
  }

  rememberReference(): void {
    this.reference.set(this.incoming);
    this.hasReference = true;
  }

  add(frame: Uint8Array, averageAxes: boolean): void {
    const { roles } = this.shape;
    const first = this.merged === 0;
    for (let i = 0; i < roles.length; i++) {
      const role = roles[i];
      const summed = role === ValueRole.Relative || (role === ValueRole.Axis && averageAxes);
      this.sums[i] = summed && !first ? this.sums[i]! + this.incoming[i]! : this.incoming[i]!;
    }
    this.held.store(frame);
    this.merged++;
  }

  /** The held report: exactly as received when alone, else the newest report with merged values. */
  take(averageAxes: boolean): Uint8Array {
    if (this.merged > 1) {
      const { roles } = this.shape;
      for (let i = 0; i < roles.length; i++) {
        const average = roles[i] === ValueRole.Axis && averageAxes;
        this.output[i] = average ? Math.round(this.sums[i]! / this.merged) : this.sums[i]!;
      }
      this.shape.encode(this.output, this.held.data);
    }
    this.merged = 0;
    return this.held.bytes;
  }
}

class Coalescer implements StageHalf {
  private readonly lookup;
  private readonly holding: ReportMerge[] = [];
  private windowEndsAt = Number.NEGATIVE_INFINITY;
  private timer: Cancel | undefined;

  constructor(
    private readonly params: CoalesceParams,
    private readonly context: StageContext,
  ) {
    this.lookup = createStateLookup(context, (shape) => new ReportMerge(shape));
  }

  push(bytes: Uint8Array, channel: ChannelClass): void {
    const entry = isInputFrame(bytes) ? this.lookup(bytes) : undefined;
    if (!entry) {
      this.release(); // keeps this frame behind everything the device sent before it
      this.context.emit(bytes, channel);
      return;
    }
    const merge = entry.state;
    merge.shape.decode(bytes.subarray(INPUT_HEADER), merge.incoming);
    if (merge.hasEdge() || this.context.clock.now() >= this.windowEndsAt) {
      merge.rememberReference();
      this.sendNow(bytes, channel);
      return;
    }
    if (merge.merged > 0 && merge.wouldSaturate()) this.release();
    if (merge.merged === 0) this.holding.push(merge);
    merge.add(bytes, this.params.absolute === 'average');
    this.timer ??= this.context.scheduler.schedule(this.windowEndsAt - this.context.clock.now(), () =>
      this.onWindowEnd(),
    );
  }

  flush(): void {
    this.release();
  }

  close(): void {
    this.timer?.();
    this.timer = undefined;
    this.holding.length = 0;
  }

  private sendNow(bytes: Uint8Array, channel: ChannelClass): void {
    this.release();
    this.timer?.();
    this.timer = undefined;
    this.openWindow();
    this.context.emit(bytes, channel);
  }

  private onWindowEnd(): void {
    this.timer = undefined;
    if (this.holding.length === 0) return;
    this.release();
    this.openWindow();
  }

  /** Sends every held report, in the order their merging began (device stages run before seq: reliable). */
  private release(): void {
    const average = this.params.absolute === 'average';
    for (const merge of this.holding.splice(0)) this.context.emit(merge.take(average), 'reliable');
  }

  private openWindow(): void {
    this.windowEndsAt = this.context.clock.now() + this.params.window;
  }
}
