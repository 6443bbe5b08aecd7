import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printRecording, type Recording } from '../../src/devices/recording/index.ts';
import { loadCorpusDevice } from './corpus.ts';

/** hid-recorder's bus numbers (linux/input.h BUS_*), for the I: line. */
const BUS_USB = 0x03;

/**
 * A corpus device's recorded reports as the hid-recorder file they came from (R:, N:, I:, E: lines),
 * its first `limit` events only; written to `dir`. Returns the path and what the file holds.
 */
export function writeCorpusRecording(
  name: string,
  dir: string,
  limit = Number.POSITIVE_INFINITY,
): { path: string; recording: Recording } {
  const corpus = loadCorpusDevice(name);
  const recording: Recording = {
    name: corpus.name,
    ids: { bus: BUS_USB, vendorId: corpus.vendorId, productId: corpus.productId },
    descriptor: corpus.descriptor,
    events: corpus.recording
      .slice(0, limit)
      .map(({ t, report }) => ({ timeUs: Math.round(t * 1_000_000), bytes: report })),
  };
  const path = join(dir, `${name}.hid`);
  writeFileSync(path, printRecording(recording));
  return { path, recording };
}
