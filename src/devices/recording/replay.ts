/**
 * A hid-recorder recording played back as a live HID device: each E: line becomes an input report at its
 * recorded time (scaled by `speed`), once or forever (`loop`). The clock is injected, so the timing is
 * tested without waiting (tests/unit/recording/replay.test.ts); src/node-devices gives it real timers.
 */
import { collectionsFromDescriptor, usesReportIds } from '../../hid/index.ts';
import type { CollectionBody } from '../../protocol/index.ts';
import { DeviceError, type HidSource } from '../hid-source.ts';
import type { RecordedEvent, Recording } from './format.ts';

/** Time as the replay needs it: the shared clock (timeOrigin + now) and one-shot timers. */
export interface ReplayClock {
  /** Milliseconds on the shared clock, as HidSource timestamps are. */
  now(): number;
  /** Runs `task` once after `delayMs` (≥ 0); returns what cancels it. */
  after(delayMs: number, task: () => void): () => void;
}

export interface ReplayOptions {
  clock: ReplayClock;
  /** 2 plays twice as fast, 0.5 half as fast. Default 1. */
  speed?: number;
  /** Start again after the last report, until closed. Default false. */
  loop?: boolean;
}

/**
 * With `loop`, the pause between the last report of a pass and the first of the next: the recording's
 * mean gap between reports (a single-report recording repeats once a second), and never under 1 ms of
 * real time, so a recording whose reports all share one timestamp cannot spin.
 */
const SINGLE_REPORT_PERIOD_US = 1_000_000;
const MIN_LOOP_GAP_MS = 1;

const NOT_A_DEVICE = 'a replayed recording has only input reports';

/** The device announcement carries at most 256 characters of name (protocol/bodies.ts); N: may be longer. */
const MAX_NAME_LENGTH = 256;

export class RecordingSource implements HidSource {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  readonly collections: readonly CollectionBody[];
  readonly reportDescriptor: Uint8Array;
  /** The recorded reports, in order. */
  readonly events: readonly RecordedEvent[];
  /** Each event as it goes out (id, data view), split once here rather than per report played. */
  private readonly reports: ReadonlyArray<{ reportId: number; data: Uint8Array } | undefined>;
  private readonly speed: number;
  private readonly loop: boolean;
  private readonly clock: ReplayClock;
  private readonly inputListeners = new Set<(reportId: number, data: Uint8Array, at: number) => void>();
  private readonly disconnectListeners = new Set<() => void>();
  private readonly endListeners = new Set<() => void>();
  private cancel: (() => void) | undefined;
  private passStartMs = 0;
  private next = 0;
  private started = false;
  private closed = false;
  /** Passes played to their last report so far. */
  completedPasses = 0;

  /** Throws HidDescriptorError when the R: descriptor does not parse, RangeError for a bad speed. */
  constructor(recording: Recording, options: ReplayOptions) {
    const speed = options.speed ?? 1;
    if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be above 0, got ${speed}`);
    const collections = collectionsFromDescriptor(recording.descriptor);
    this.vendorId = recording.ids.vendorId;
    this.productId = recording.ids.productId;
    this.productName = recording.name.slice(0, MAX_NAME_LENGTH);
    this.collections = collections as unknown as CollectionBody[];
    this.reportDescriptor = recording.descriptor;
    this.events = recording.events;
    this.reports = splitReports(recording.events, usesReportIds(collections));
    this.speed = speed;
    this.loop = options.loop ?? false;
    this.clock = options.clock;
  }

  /** Starts playing (once; later calls do nothing). */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.passStartMs = this.clock.now();
    this.schedule(0);
  }

  /** Fires once the last report of the last pass has been played (never with `loop`). */
  onEnd(listener: () => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  onInput(listener: (reportId: number, data: Uint8Array, timestampMs: number) => void): () => void {
    this.inputListeners.add(listener);
    return () => this.inputListeners.delete(listener);
  }

  onDisconnect(listener: () => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  async sendReport(): Promise<void> {
    throw new DeviceError('device-error', NOT_A_DEVICE);
  }

  async sendFeatureReport(): Promise<void> {
    throw new DeviceError('device-error', NOT_A_DEVICE);
  }

  async receiveFeatureReport(): Promise<Uint8Array> {
    throw new DeviceError('device-error', NOT_A_DEVICE);
  }

  /** Stops playing; the device stays described but sends nothing more. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  /** When event `index` of the current pass is due, on the shared clock. */
  private dueAt(index: number): number {
    const first = this.events[0]!.timeUs;
    return this.passStartMs + (this.events[index]!.timeUs - first) / 1000 / this.speed;
  }

  /** How long one pass lasts before the next begins, in real milliseconds. */
  private passMs(): number {
    const count = this.events.length;
    const spanUs = this.events[count - 1]!.timeUs - this.events[0]!.timeUs;
    const gapUs = count > 1 ? spanUs / (count - 1) : SINGLE_REPORT_PERIOD_US;
    return spanUs / 1000 / this.speed + Math.max(MIN_LOOP_GAP_MS, gapUs / 1000 / this.speed);
  }

  private schedule(delayMs: number): void {
    this.cancel = this.clock.after(Math.max(0, delayMs), this.tick);
  }

  /** Plays every report that is due (a late timer catches up in order), then waits for the next. */
  private readonly tick = (): void => {
    this.cancel = undefined;
    if (this.closed) return;
    if (this.events.length === 0) {
      if (!this.loop) this.end();
      return;
    }
    const now = this.clock.now();
    for (;;) {
      while (this.next < this.events.length && this.dueAt(this.next) <= now) this.play(this.next++, now);
      if (this.closed) return; // a listener closed the source
      if (this.next < this.events.length) break;
      this.completedPasses += 1;
      if (!this.loop) {
        this.end();
        return;
      }
      this.passStartMs += this.passMs();
      this.next = 0;
    }
    this.schedule(this.dueAt(this.next) - now);
  };

  private play(index: number, now: number): void {
    const report = this.reports[index];
    if (report === undefined) return;
    for (const listener of this.inputListeners) listener(report.reportId, report.data, now);
  }

  private end(): void {
    for (const listener of this.endListeners) listener();
  }
}

/**
 * hid-recorder writes raw hidraw reports: the id byte leads when the descriptor numbers its reports, and
 * WebHID hands it over apart from the data. A numbered report too short to hold its id is skipped.
 */
function splitReports(
  events: readonly RecordedEvent[],
  numbered: boolean,
): Array<{ reportId: number; data: Uint8Array } | undefined> {
  return events.map(({ bytes }) => {
    if (!numbered) return { reportId: 0, data: bytes };
    return bytes.length === 0 ? undefined : { reportId: bytes[0]!, data: bytes.subarray(1) };
  });
}
