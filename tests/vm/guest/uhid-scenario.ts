/**
 * Runs INSIDE the test VM (host node + tsx over 9p): presents one corpus device through UhidSink on
 * the guest's real /dev/uhid, drives it from both ends, and prints one JSON report on stdout for
 * tests/vm/uhid.vm.test.ts to judge. Usage: uhid-scenario.ts <corpus-id> <hidraw-probe path>
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { UhidSink } from '../../../src/receiver/sinks/uhid/index.ts';
import {
  FAILING_FEATURE_ID,
  FakeRemoteDevice,
  loadCorpusEntry,
  SILENT_FEATURE_ID,
} from '../fake-remote-device.ts';

const execFileAsync = promisify(execFile);
const [corpusId, probe] = process.argv.slice(2);
if (!corpusId || !probe) throw new Error('usage: uhid-scenario.ts <corpus-id> <hidraw-probe>');

/** Max reports in flight between the sink and the reader: hidraw queues only 64 per reader. */
const WINDOW = 16;

async function probeRun(...args: string[]): Promise<{ out: string; ms: number }> {
  const started = Date.now();
  const result = await execFileAsync(probe!, args).catch((error: { stdout?: string }) => ({
    stdout: error.stdout ?? '',
  }));
  return { out: result.stdout.trim(), ms: Date.now() - started };
}

function startReader(
  hidraw: string,
  count: number,
): { child: ChildProcess; lines: string[]; ready: Promise<void> } {
  const child = spawn(probe!, ['read', hidraw, String(count), '20000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const ready = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve();
      else lines.push(line);
    });
  });
  return { child, lines, ready };
}

async function replay(device: FakeRemoteDevice, hidraw: string, reports: readonly string[]) {
  const reader = startReader(hidraw, reports.length);
  await reader.ready;
  const started = Date.now();
  for (const [i, hex] of reports.entries()) {
    while (i - reader.lines.length >= WINDOW) await delay(1);
    device.emitRecordedReport(Buffer.from(hex, 'hex'));
  }
  await new Promise((resolve) => reader.child.once('exit', resolve));
  return { read: reader.lines, replayMs: Date.now() - started };
}

async function waitGone(path: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(path) && Date.now() < deadline) await delay(10);
  return !existsSync(path);
}

const entry = loadCorpusEntry(corpusId);
const device = new FakeRemoteDevice(entry);
const sink = new UhidSink({ onError: () => undefined });
const attachStarted = Date.now();
await sink.attach(device);
const attachMs = Date.now() - attachStarted;
const hidraw = sink.hidrawPath(device);
if (!hidraw) throw new Error('no hidraw node appeared for the device');

const numbered = device.info.usesReportIds;
const idPrefix = (id: number) => (numbered ? id.toString(16).padStart(2, '0') : '');
const info = await probeRun('info', hidraw);
const reports = (entry.recording ?? []).map((event) => event.report);
const { read, replayMs } = await replay(device, hidraw, reports);
const output = await probeRun('write', hidraw, `${idPrefix(2)}a1b2c3d4e5`);
const getFeature = await probeRun('getfeature', hidraw, String(numbered ? 3 : 0), '64');
const setFeature = await probeRun('setfeature', hidraw, `${idPrefix(4)}0102030405`);
const failingFeature = await probeRun('getfeature', hidraw, String(FAILING_FEATURE_ID), '64');
const silentFeature = await probeRun('getfeature', hidraw, String(SILENT_FEATURE_ID), '64');

// One device leaves through its own close (share ended), the sink closes afterwards.
if (corpusId.includes('dualshock')) device.close();
else await sink.close();
const hidrawGone = await waitGone(hidraw, 3_000);
await sink.close();

console.log(
  JSON.stringify({
    corpusId,
    usesReportIds: numbered,
    attachMs,
    hidraw,
    info: info.out,
    sent: reports,
    read,
    replayMs,
    output: output.out,
    getFeature: getFeature.out,
    setFeature: setFeature.out,
    failingFeature: failingFeature.out,
    silentFeature: silentFeature.out,
    silentFeatureMs: silentFeature.ms,
    recorded: device.recorded,
    hidrawGone,
  }),
);
