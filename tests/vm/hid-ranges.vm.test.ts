/**
 * A rebuilt descriptor against a real kernel's hid-input: the Xbox One controller declares its 16-bit
 * sticks and triggers as 0…0xFFFF, which Chrome reports as 0…−1. One VM boot; the guest presents the
 * device through uhid twice — with its original descriptor and with the one the receiver rebuilds from
 * Chrome's collections — and reads evdev (guest/ranges-scenario.ts, evdev-probe.c). Before the fix the
 * rebuilt axes were 0…255 and every value clamped to 255.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionsFromDescriptor, reportLayout, synthesizeReportDescriptor } from '../../src/hid/index.ts';
import { loadCorpusEntry } from './fake-remote-device.ts';
import { ensureStaticHelper, startVm, type Vm } from './harness.ts';
import { repoRoot } from './paths.ts';

const DEVICE = 'microsoft-xbox-one-controller-windows';
const EV_ABS = 3;

interface ScenarioReport {
  descriptor: string;
  eventNode: string;
  axes: { code: number; minimum: number; maximum: number }[];
  frames: string[][];
}

const entry = loadCorpusEntry(DEVICE);
const original = Uint8Array.from(Buffer.from(entry.descriptor, 'hex'));
const collections = collectionsFromDescriptor(original);
const layout = reportLayout(collections, 'input', 0)!;
const wideFields = layout.fields.filter(({ item }) => item.reportSize === 16);
/** hid-input maps Generic Desktop X…Rz (0x30…0x35) to ABS_X…ABS_RZ (0…5). */
const axisCodes = wideFields.flatMap(({ item }) =>
  (item.usages ?? []).map((usage) => (usage & 0xffff) - 0x30),
);

/** One input report with every 16-bit axis at `value` and everything else 0 (hat: its null state). */
function reportWithAxes(value: number): string {
  const data = Buffer.alloc(layout.byteLength);
  for (const { bitOffset, item } of wideFields) {
    for (let slot = 0; slot < item.reportCount; slot++) data.writeUInt16LE(value, bitOffset / 8 + 2 * slot);
  }
  return data.toString('hex');
}

const VALUES = [65535, 32768, 1000];

let vm: Vm;
let probe: string;
const seen: Partial<Record<'original' | 'rebuilt', ScenarioReport>> = {};

async function runScenario(which: 'original' | 'rebuilt'): Promise<ScenarioReport> {
  const reports = VALUES.map(reportWithAxes).join(' ');
  const command = `cd ${repoRoot} && node --import tsx tests/vm/guest/ranges-scenario.ts ${DEVICE} ${which} ${probe} ${reports}`;
  const stdout = await vm.runOk(command, { timeoutMs: 120_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ScenarioReport;
}

beforeAll(async () => {
  probe = await ensureStaticHelper('evdev-probe');
  vm = await startVm();
  // Test hid-core and hid-input, not a vendor driver that might claim 045e devices.
  await vm.runOk('echo 1 > /sys/module/hid/parameters/ignore_special_drivers');
  seen.original = await runScenario('original');
  seen.rebuilt = await runScenario('rebuilt');
}, 600_000);

afterAll(async () => {
  await vm?.stop();
});

const axisRanges = (report: ScenarioReport) =>
  report.axes.filter((axis) => axisCodes.includes(axis.code)).sort((a, b) => a.code - b.code);

describe(`evdev for the ${entry.name}`, () => {
  it('has the five 16-bit axes in Chrome collections, as 0…−1', () => {
    expect([...axisCodes].sort()).toEqual([0, 1, 2, 3, 4]);
    for (const { item } of wideFields) expect([item.logicalMinimum, item.logicalMaximum]).toEqual([0, -1]);
  });

  it('shows 0…65535 on every 16-bit axis with the original descriptor', () => {
    expect(axisRanges(seen.original!)).toEqual(
      [0, 1, 2, 3, 4].map((code) => ({ code, minimum: 0, maximum: 65535 })),
    );
  });

  it('shows the same absolute axes and ranges with the descriptor the receiver rebuilds', () => {
    const rebuilt = seen.rebuilt!;
    expect(rebuilt.descriptor).toBe(Buffer.from(synthesizeReportDescriptor(collections)).toString('hex'));
    expect(rebuilt.descriptor).not.toBe(entry.descriptor);
    expect(rebuilt.axes).toEqual(seen.original!.axes);
  });

  it('reads 65535, 32768 and 1000 back from the rebuilt device, not clamped to 255', () => {
    const expected = VALUES.map((value) => axisCodes.map((code) => `${EV_ABS} ${code} ${value}`).sort());
    expect(seen.rebuilt!.frames.map((frame) => [...frame].sort())).toEqual(expected);
    expect(seen.rebuilt!.frames).toEqual(seen.original!.frames);
  });
});
