/**
 * What coalesce and discard need to know about a device's input reports. The HID descriptor engine
 * (src/hid) supplies it through `reportCodecFromModel` (hid-codec.ts); tests may hand-build one.
 * Values are flat: one per field slot (fields wider than 32 bits are split into 32-bit segments).
 */

/** How a value may be merged or compared. */
export const ValueRole = {
  /** Buttons, arrays (key codes), hats, IDs, anything unknown: a change is an event that must be kept. */
  Edge: 0,
  /** Relative variables (mouse X/Y, wheel): deltas that are summed, never dropped. */
  Relative: 1,
  /** Continuous absolute axes (X/Y, pressure, tilt, throttle): may be averaged or deadbanded. */
  Axis: 2,
  /** Absolute values where only the newest matters (scan time, axes with a null state). */
  Latest: 3,
} as const;
export type ValueRole = (typeof ValueRole)[keyof typeof ValueRole];

export interface InputReportShape {
  /** Bytes the declared fields occupy; a report may be longer (trailing bytes are kept as they are). */
  readonly byteLength: number;
  readonly valueCount: number;
  /** ValueRole per value. */
  readonly roles: Uint8Array;
  /** Logical range per value, for saturation of summed relative values. */
  readonly minimum: Float64Array;
  readonly maximum: Float64Array;
  /** Writes `valueCount` values of `data` (at least `byteLength` bytes) into `out`. */
  decode(data: Uint8Array, out: Float64Array): void;
  /** Writes every value into `out`, leaving the other bits as they are. */
  encode(values: Float64Array, out: Uint8Array): void;
}

export interface ReportCodec {
  /** The shape of an input report, or undefined when the descriptor has no such report. */
  input(reportId: number): InputReportShape | undefined;
}
