/**
 * Per-report bookkeeping shared by coalesce and discard: the report's shape from the device's codec,
 * looked up once per device+report ID, and reusable value buffers so the steady state allocates nothing.
 */
import { INPUT_HEADER, reportKey } from '../bytes.ts';
import type { InputReportShape } from '../codec.ts';
import type { StageContext } from '../stage.ts';

/** A copy of a frame in a buffer that grows as needed and is otherwise reused. */
export class HeldFrame {
  private buffer = new Uint8Array(0);
  length = 0;

  store(frame: Uint8Array): void {
    if (this.buffer.length < frame.length) this.buffer = new Uint8Array(frame.length * 2);
    this.buffer.set(frame);
    this.length = frame.length;
  }

  get bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  get data(): Uint8Array {
    return this.buffer.subarray(INPUT_HEADER, this.length);
  }
}

/**
 * The shape of `frame`'s report when it can be interpreted, or undefined (no codec, unknown report,
 * report shorter than its layout): such reports are passed on untouched.
 */
export function createStateLookup<S>(
  context: StageContext,
  create: (shape: InputReportShape) => S,
): (frame: Uint8Array) => { state: S; shape: InputReportShape } | undefined {
  const states = new Map<number, { state: S; shape: InputReportShape } | null>();
  return (frame) => {
    const key = reportKey(frame);
    let entry = states.get(key);
    if (entry === undefined) {
      const shape = context.codecFor(frame[1]!)?.input(frame[2]!);
      entry = shape ? { state: create(shape), shape } : null;
      states.set(key, entry);
    }
    if (!entry || frame.length - INPUT_HEADER < entry.shape.byteLength) return undefined;
    return entry;
  };
}
