/**
 * Nameplates, the number at the front of a short code (`482913-amber-falcon`). Drawn at random from all
 * six-digit numbers, so that live ones cannot be found by counting up from 1: at the per-address limit
 * on bad messages a scan finds a live nameplate only rarely, and one failed attempt burns it (the
 * arithmetic is in docs/security.md).
 */
import { randomInt } from 'node:crypto';

export const NAMEPLATE_MIN = 100_000;
/** Exclusive. */
export const NAMEPLATE_END = 1_000_000;
export const NAMEPLATE_SPACE = NAMEPLATE_END - NAMEPLATE_MIN;

/**
 * A random nameplate for which `taken` is false. The server keeps live sessions to a small fraction of the
 * space (see Rooms), so a few draws always suffice; the bound only turns a bug into an error.
 */
export function drawNameplate(taken: (nameplate: string) => boolean): string {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const nameplate = String(randomInt(NAMEPLATE_MIN, NAMEPLATE_END));
    if (!taken(nameplate)) return nameplate;
  }
  throw new Error('no free nameplate');
}
