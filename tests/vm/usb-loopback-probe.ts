/**
 * Driving a Gadget Zero in the guest with tests/vm/usb-loopback.c (through usbfs, as libusb would): a
 * 256-byte vendor control write/read round trip, then bulk loopback of a xorshift32 stream, which the
 * probe hashes with FNV-1a 32 as it reads it back. Shared by usb-gadget-zero and share.vm.
 */
import { expect } from 'vitest';
import type { Vm } from './harness.ts';

export interface LoopbackRun {
  /** The bConfigurationValue whose interface loops bulk data back. */
  readonly configuration: number;
  /** Bytes each way, in CHUNK-byte URBs, DEPTH in flight. */
  readonly total: number;
  readonly seed: number;
}

const CHUNK = 16 * 1024;
const DEPTH = 8;

/** The hash usb-loopback.c prints for a loopback that came back intact. */
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

/** Control and bulk loopback on `dev` (a /dev/bus/usb node), compared byte for byte; returns the throughput line. */
export async function controlAndBulkLoopback(
  vm: Vm,
  probe: string,
  dev: string,
  run: LoopbackRun,
): Promise<string> {
  const { configuration, total, seed } = run;
  const written = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 7 + seed) & 0xff)).toString('hex');
  expect((await vm.runOk(`${probe} control ${dev} ${written}`)).trim()).toBe(written);

  const args = [dev, configuration, total, CHUNK, DEPTH, seed].join(' ');
  const result = await vm.run(`${probe} bulk ${args}`, { timeoutMs: 240_000 });
  const line = result.stdout.trim();
  const match = line.match(/^ok (\d+) bytes (\d+) ms (\d+) kB\/s fnv ([0-9a-f]{8})$/);
  if (match === null) throw new Error(`bulk loopback failed: ${line} ${result.stderr}\n${vm.logTail()}`);
  expect(Number(match[1])).toBe(total);
  expect(match[4]).toBe(expectedLoopbackHash(total, seed));
  return `${(total / 2 ** 20).toFixed(0)} MiB each way in ${match[2]} ms = ${(Number(match[3]) / 1000).toFixed(2)} MB/s`;
}
