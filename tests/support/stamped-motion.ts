/**
 * Mouse reports that carry their own send time in their motion, so that a test reading raw reports far
 * from the sharer (a hidraw node in a VM guest, where no JSON log says what the sharer stamped) can
 * still tell a fresh report from one replayed out of a backlog. The sharer's wall clock in 10 ms units
 * is split over X (low 15 bits) and Y (the next 15 bits): non-negative values every mouse with 16-bit
 * relative axes can carry, unique for about 124 days. tests/support/outage-judging.ts judges them.
 */
import { decodeReport, encodeReport, type HidDescriptorModel } from '../../src/hid/index.ts';

const USAGE_X = 0x0001_0030;
const USAGE_Y = 0x0001_0031;
const UNIT_MS = 10;
const HALF = 0x8000;
const WRAP = HALF * HALF;

/** `pressed` (an input report without its id, a button down) with X and Y set to the stamp of `nowMs`. */
export function stampedReport(
  model: HidDescriptorModel,
  reportId: number,
  pressed: Uint8Array,
  nowMs: number,
): Uint8Array {
  const units = Math.floor(nowMs / UNIT_MS) % WRAP;
  const decoded = decodeReport(model, 'input', reportId, pressed);
  let axes = 0;
  for (const field of decoded.fields) {
    field.usages.forEach((usage, slot) => {
      if (usage === USAGE_X) field.values[slot] = units % HALF;
      else if (usage === USAGE_Y) field.values[slot] = Math.floor(units / HALF);
      else return;
      axes += 1;
    });
  }
  if (axes !== 2) throw new Error(`report ${reportId} has no 16-bit X and Y to carry a stamp`);
  return encodeReport(model, 'input', reportId, decoded);
}

/**
 * The send time (ms, the sharer's wall clock) stamped into `data` (an input report without its id),
 * taken as the one nearest to `nearMs`; undefined when the report carries no stamp (e.g. a neutral one).
 */
export function stampOf(
  model: HidDescriptorModel,
  reportId: number,
  data: Uint8Array,
  nearMs: number,
): number | undefined {
  const decoded = decodeReport(model, 'input', reportId, data);
  let x: number | undefined;
  let y: number | undefined;
  for (const field of decoded.fields) {
    field.usages.forEach((usage, slot) => {
      if (usage === USAGE_X) x = field.values[slot];
      if (usage === USAGE_Y) y = field.values[slot];
    });
  }
  if (x === undefined || y === undefined || (x === 0 && y === 0)) return undefined;
  const units = y * HALF + x;
  const near = Math.floor(nearMs / UNIT_MS);
  const base = near - (near % WRAP);
  const candidates = [base - WRAP, base, base + WRAP].map((b) => (b + units) * UNIT_MS);
  return candidates.reduce((best, t) => (Math.abs(t - nearMs) < Math.abs(best - nearMs) ? t : best));
}
