/**
 * Runs INSIDE the test VM (host node + tsx over 9p): presents one corpus device through UhidSink with
 * either its original report descriptor or the one a receiver rebuilds from the collections Chrome
 * gives for it, sends the given input reports, and prints one JSON report on stdout of what evdev shows:
 * every absolute axis's absinfo and the events read back per report. tests/vm/hid-ranges.vm.test.ts
 * judges it. Usage: ranges-scenario.ts <corpus-id> <original|rebuilt> <evdev-probe> <report-hex>...
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { collectionsFromDescriptor, synthesizeReportDescriptor } from '../../../src/hid/index.ts';
import { UhidSink } from '../../../src/receiver/sinks/uhid/index.ts';
import { FakeRemoteDevice, loadCorpusEntry } from '../fake-remote-device.ts';

const execFileAsync = promisify(execFile);
const [corpusId, which, probe, ...reports] = process.argv.slice(2);
if (!corpusId || (which !== 'original' && which !== 'rebuilt') || !probe || reports.length === 0) {
  throw new Error('usage: ranges-scenario.ts <corpus-id> <original|rebuilt> <evdev-probe> <report-hex>...');
}

/** What the receiver presents: ferry receive rebuilds from the announced collections (hid-device.ts). */
function descriptorFor(original: Uint8Array): Uint8Array {
  return which === 'rebuilt' ? synthesizeReportDescriptor(collectionsFromDescriptor(original)) : original;
}

/** hid-input's evdev node for a hidraw node: both hang off the same HID device in sysfs. */
async function eventNodeOf(hidraw: string, timeoutMs: number): Promise<string> {
  const inputs = `/sys/class/hidraw/${basename(hidraw)}/device/input`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const event = existsSync(inputs)
      ? readdirSync(inputs).flatMap((input) =>
          readdirSync(`${inputs}/${input}`).filter((name) => name.startsWith('event')),
        )[0]
      : undefined;
    if (event && existsSync(`/dev/input/${event}`)) return `/dev/input/${event}`;
    if (Date.now() > deadline) throw new Error(`no evdev node under ${inputs}`);
    await delay(20);
  }
}

interface AbsAxis {
  code: number;
  minimum: number;
  maximum: number;
}

async function absinfo(node: string): Promise<AbsAxis[]> {
  const { stdout } = await execFileAsync(probe!, ['abs', node]);
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.split(' ').map(Number))
    .map(([code = 0, minimum = 0, maximum = 0]) => ({ code, minimum, maximum }));
}

/** A background reader of evdev events; `frames[i]` holds the "type code value" lines of report i. */
function startReader(node: string, syncs: number) {
  const child: ChildProcess = spawn(probe!, ['read', node, String(syncs), '20000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const frames: string[][] = [[]];
  const ready = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve();
      else if (line === 'syn') frames.push([]);
      else frames.at(-1)!.push(line);
    });
  });
  const state = { exited: false };
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      state.exited = true;
      resolve();
    }),
  );
  return { frames, ready, exited, state };
}

const entry = loadCorpusEntry(corpusId);
const descriptor = descriptorFor(Uint8Array.from(Buffer.from(entry.descriptor, 'hex')));
const device = new FakeRemoteDevice({ ...entry, descriptor: Buffer.from(descriptor).toString('hex') });
const sink = new UhidSink({ onError: () => undefined });
await sink.attach(device);
const hidraw = sink.hidrawPath(device);
if (!hidraw) throw new Error('no hidraw node appeared for the device');
const eventNode = await eventNodeOf(hidraw, 3_000);
const axes = await absinfo(eventNode);

const reader = startReader(eventNode, reports.length);
await reader.ready;
for (const [index, hex] of reports.entries()) {
  device.emitRecordedReport(Buffer.from(hex, 'hex'));
  // One report at a time: its SYN_REPORT arrives before the next is sent.
  while (reader.frames.length <= index + 1 && !reader.state.exited) await delay(5);
}
await reader.exited;
await sink.close();

console.log(
  JSON.stringify({
    corpusId,
    which,
    descriptor: Buffer.from(descriptor).toString('hex'),
    eventNode,
    axes,
    frames: reader.frames.slice(0, reports.length),
  }),
);
