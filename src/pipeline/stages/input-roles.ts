/**
 * How the `input` stage splits a report's values (from the HID engine's roles, pipeline/codec.ts):
 * edges (buttons, keys, arrays, hats, constants, vendor bytes) must all arrive in order; relative values
 * are carried as running totals, so a lost message loses no motion; absolute axes take the latest value.
 */
import { INPUT_HEADER } from '../bytes.ts';
import { type InputReportShape, ValueRole } from '../codec.ts';

export interface ReportRoles {
  readonly shape: InputReportShape;
  readonly edges: Int32Array;
  readonly relative: Int32Array;
  readonly latest: Int32Array;
}

const cache = new WeakMap<InputReportShape, ReportRoles>();

export function rolesOf(shape: InputReportShape): ReportRoles {
  let roles = cache.get(shape);
  if (!roles) {
    const pick = (match: (role: number) => boolean) =>
      Int32Array.from([...shape.roles.keys()].filter((index) => match(shape.roles[index]!)));
    roles = {
      shape,
      edges: pick((role) => role === ValueRole.Edge),
      relative: pick((role) => role === ValueRole.Relative),
      latest: pick((role) => role === ValueRole.Axis || role === ValueRole.Latest),
    };
    cache.set(shape, roles);
  }
  return roles;
}

/** The report's data inside an input frame (after the 12-byte header). */
export const reportOf = (frame: Uint8Array) => frame.subarray(INPUT_HEADER);

/** Copies `indices` of `from` into `to`. */
export function copyValues(from: Float64Array, to: Float64Array, indices: Int32Array): void {
  for (const index of indices) to[index] = from[index]!;
}

/** True when the edge values differ, or the bytes past the declared fields (not decoded) differ. */
export function edgesDiffer(
  roles: ReportRoles,
  values: Float64Array,
  previous: Float64Array,
  report: Uint8Array,
  previousReport: Uint8Array,
): boolean {
  if (report.length !== previousReport.length) return true;
  for (const index of roles.edges) if (values[index] !== previous[index]) return true;
  for (let i = roles.shape.byteLength; i < report.length; i++)
    if (report[i] !== previousReport[i]) return true;
  return false;
}
