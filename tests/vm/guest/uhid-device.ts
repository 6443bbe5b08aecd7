/**
 * Runs INSIDE the test VM (host node + tsx over 9p): a long-lived HID device made with the guest's real
 * /dev/uhid from a corpus descriptor (UhidSink presenting a FakeRemoteDevice), for a `ferry share` in
 * the same guest to read through hidraw. The host drives it through files in <dir>:
 *
 *   <dir>/hidraw   written once the kernel made the device: its /dev/hidrawN
 *   <dir>/cmd      a FIFO of lines: `input HEX` (a raw report, id first when numbered) or
 *                  `feature ID HEX` (what GET_REPORT(feature ID) answers from now on, without the id)
 *   <dir>/log      one line per request the kernel passed down: `output ID HEX`, `set-feature ID HEX`,
 *                  `get-feature ID`, and `input-done N` after each batch of injected inputs
 *
 * Usage: uhid-device.ts <corpus-id> <dir>. Runs until SIGTERM, which destroys the device.
 */
import { appendFileSync, createReadStream, openSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { UhidSink } from '../../../src/receiver/sinks/uhid/index.ts';
import { FakeRemoteDevice, featurePattern, loadCorpusEntry } from '../fake-remote-device.ts';

const [corpusId, dir] = process.argv.slice(2);
if (!corpusId || !dir) throw new Error('usage: uhid-device.ts <corpus-id> <dir>');

/** Spacing of injected inputs: the readers downstream (hidraw queues 64 reports each) keep up. */
const INPUT_GAP_MS = 10;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const log = (line: string): void => appendFileSync(`${dir}/log`, `${line}\n`);

/** The fake corpus device, logging every request and answering features from what the host stored. */
class LoggedDevice extends FakeRemoteDevice {
  readonly features = new Map<number, Uint8Array>();

  override async sendOutputReport(reportId: number, data: Uint8Array): Promise<void> {
    log(`output ${reportId} ${hex(data)}`);
  }

  override async setFeatureReport(reportId: number, data: Uint8Array): Promise<void> {
    log(`set-feature ${reportId} ${hex(data)}`);
  }

  override async getFeatureReport(reportId: number): Promise<Uint8Array> {
    log(`get-feature ${reportId}`);
    return this.features.get(reportId) ?? featurePattern(reportId, this.featureLength);
  }
}

const device = new LoggedDevice(loadCorpusEntry(corpusId), 48);
const sink = new UhidSink({ onError: (error) => log(`error ${error.message}`) });
await sink.attach(device);
const hidraw = sink.hidrawPath(device);
if (!hidraw) throw new Error('no hidraw node appeared for the uhid device');

let injected = 0;
async function handle(line: string): Promise<void> {
  const [command, first, second] = line.trim().split(/\s+/);
  if (command === 'input' && first) {
    device.emitRecordedReport(Buffer.from(first, 'hex'));
    injected++;
    await delay(INPUT_GAP_MS);
  } else if (command === 'feature' && first && second !== undefined) {
    device.features.set(Number(first), Uint8Array.from(Buffer.from(second, 'hex')));
  } else if (command === 'flush') {
    log(`input-done ${injected}`);
  } else if (command) {
    log(`error unknown command ${line}`);
  }
}

// O_RDWR on a FIFO: the open does not wait for a writer and the read side never sees end-of-file.
const commands = createInterface({ input: createReadStream('', { fd: openSync(`${dir}/cmd`, 'r+') }) });
let queue = Promise.resolve();
commands.on('line', (line) => {
  queue = queue.then(() => handle(line));
});

process.once('SIGTERM', () => {
  void sink.close().then(() => process.exit(0));
});
writeFileSync(`${dir}/hidraw`, `${hidraw}\n`);
