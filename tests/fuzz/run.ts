/** One decoder's share of the campaign: N generated inputs, every outcome counted. */
import fc from 'fast-check';
import type { FuzzTarget } from './targets.ts';

export interface Tally {
  accepted: number;
  rejected: number;
  crashes: number;
  firstCrash?: string;
}

export function mutated(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const seed = fc.constantFrom(...seeds);
  const edit = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('flip', 'truncate', 'splice', 'repeat', 'extreme'),
    value: fc.integer({ min: 0, max: 255 }),
    extra: fc.uint8Array({ maxLength: 64 }),
  });
  return fc.tuple(seed, fc.array(edit, { minLength: 1, maxLength: 6 })).map(([start, edits]) => {
    let bytes = Uint8Array.from(start);
    for (const { at, kind, value, extra } of edits) {
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      if (kind === 'flip' && bytes.length > 0) bytes[i] = (bytes[i] ?? 0) ^ (1 << (value % 8));
      else if (kind === 'truncate') bytes = bytes.subarray(0, i);
      else if (kind === 'splice')
        bytes = Uint8Array.from([...bytes.subarray(0, i), ...extra, ...bytes.subarray(i)]);
      else if (kind === 'repeat') bytes = Uint8Array.from([...bytes, ...bytes.subarray(i)]);
      else if (bytes.length > 0) bytes[i] = value % 2 === 0 ? 0xff : 0x00;
    }
    return bytes;
  });
}

export function inputs(target: FuzzTarget): fc.Arbitrary<Uint8Array> {
  return fc.oneof(fc.uint8Array({ maxLength: 512 }), mutated(target.seeds));
}

export function runTarget(target: FuzzTarget, runs: number, seed: number): Tally {
  const tally: Tally = { accepted: 0, rejected: 0, crashes: 0 };
  for (const bytes of fc.sample(inputs(target), { numRuns: runs, seed })) {
    try {
      target.feed(bytes);
      tally.accepted++;
    } catch (error) {
      if (error instanceof target.typedError) {
        tally.rejected++;
        continue;
      }
      tally.crashes++;
      tally.firstCrash ??= `${Buffer.from(bytes).toString('hex')}: ${String(error)}`;
    }
  }
  return tally;
}
