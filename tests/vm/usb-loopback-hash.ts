/**
 * What tests/vm/usb-loopback.c prints for a bulk loopback that came back intact: it writes a xorshift32
 * stream from `seed` and hashes what it reads back with FNV-1a 32, so the test computes the same hash
 * of the stream it should have read.
 */
export function expectedLoopbackHash(total: number, seed: number): string {
  let state = seed >>> 0;
  let hash = 2166136261;
  for (let i = 0; i < total; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    hash = Math.imul(hash ^ (state >>> 24), 16777619) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
