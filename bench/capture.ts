/**
 * The per-report cost of `ferry receive --capture`: one HID input report (49 bytes, a DualShock 3's)
 * encoded as a usbmon Enhanced Packet Block, with the write thrown away and with writeSync to a file.
 * Run standalone with `npx tsx bench/capture.ts`. A bench never fails on a number.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UrbRecorder } from '../src/receiver/sinks/capture/urb-recorder.ts';
import { UsbmonTransfer } from '../src/receiver/sinks/capture/usbmon-layout.ts';
import { UsbmonPcapngWriter } from '../src/receiver/sinks/capture/usbmon-writer.ts';

const REPORT = Uint8Array.from({ length: 48 }, (_, i) => i);
const COUNT = 200_000;

function run(write: (bytes: Uint8Array, length: number) => void): {
  nsPerReport: number;
  heapBytesPerReport: number;
} {
  const writer = new UsbmonPcapngWriter(write);
  writer.start({ application: 'bench', interfaceName: 'ferry' });
  const recorder = new UrbRecorder(writer, () => 0);
  const pipe = recorder.urb(1, UsbmonTransfer.interrupt, 0x81, 1);
  const report = (i: number) =>
    recorder.complete(pipe, 0, REPORT.length + 1, REPORT, 1_700_000_000_000_000 + i, 1);
  for (let i = 0; i < 10_000; i++) report(i);
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  for (let i = 0; i < COUNT; i++) report(i);
  const elapsed = performance.now() - started;
  const heapAfter = process.memoryUsage().heapUsed;
  return { nsPerReport: (elapsed * 1e6) / COUNT, heapBytesPerReport: (heapAfter - heapBefore) / COUNT };
}

const dir = mkdtempSync(join(tmpdir(), 'ferry-capture-bench-'));
const fd = openSync(join(dir, 'bench.pcapng'), 'w');
try {
  const encode = run(() => {});
  const file = run((bytes, length) => writeSync(fd, bytes, 0, length));
  const format = (r: { nsPerReport: number; heapBytesPerReport: number }) =>
    `${r.nsPerReport.toFixed(0)} ns/report, heap growth ${r.heapBytesPerReport.toFixed(1)} B/report`;
  console.log(`capture encode only:        ${format(encode)}`);
  console.log(`capture encode + writeSync: ${format(file)}`);
} finally {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
}
