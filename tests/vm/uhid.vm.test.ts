/**
 * The uhid sink against a real kernel: one VM boot, then for each corpus device a guest-side Node
 * script (guest/uhid-scenario.ts) presents the device through UhidSink and drives it from hidraw.
 * Here we only judge the JSON it reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featurePattern, loadCorpusEntry } from './fake-remote-device.ts';
import { ensureStaticHelper, startVm, type Vm } from './harness.ts';
import { repoRoot } from './paths.ts';

interface ScenarioReport {
  usesReportIds: boolean;
  attachMs: number;
  info: string;
  sent: string[];
  read: string[];
  output: string;
  getFeature: string;
  setFeature: string;
  failingFeature: string;
  silentFeature: string;
  silentFeatureMs: number;
  recorded: { kind: string; reportId: number; hex: string }[];
  hidrawGone: boolean;
}

const DEVICES = [
  { id: 'sony-dualshock3-usb', numbered: true },
  { id: 'namtai-wbuzz-usb', numbered: false },
];

let vm: Vm;
let probe: string;

beforeAll(async () => {
  probe = await ensureStaticHelper('hidraw-probe');
  vm = await startVm();
  // Test the transport, not vendor drivers: hid-sony would claim the 054c devices (and rewrite
  // DualShock 3 input reports); with special drivers ignored, hid-generic binds everything.
  await vm.runOk('echo 1 > /sys/module/hid/parameters/ignore_special_drivers');
}, 600_000);

afterAll(async () => {
  await vm?.stop();
});

async function runScenario(corpusId: string): Promise<ScenarioReport> {
  const command = `cd ${repoRoot} && node --import tsx tests/vm/guest/uhid-scenario.ts ${corpusId} ${probe}`;
  const stdout = await vm.runOk(command, { timeoutMs: 120_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ScenarioReport;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe.each(DEVICES)('uhid sink with $id', ({ id, numbered }) => {
  const entry = loadCorpusEntry(id);
  const prefix = (reportId: number): string => (numbered ? reportId.toString(16).padStart(2, '0') : '');
  let report: ScenarioReport;

  beforeAll(async () => {
    report = await runScenario(id);
  }, 180_000);

  it('creates the device with the exact descriptor, ids and bus', () => {
    expect(report.usesReportIds).toBe(numbered);
    const [identity, descriptor] = report.info.split('\n');
    expect(identity).toBe(`bus 3 vendor ${entry.vendorId} product ${entry.productId}`);
    expect(descriptor).toBe(entry.descriptor);
  });

  it('delivers every recorded input report to hidraw byte for byte, in order', () => {
    expect(report.sent.length).toBeGreaterThan(0);
    expect(report.read).toEqual(report.sent);
  });

  it('forwards a hidraw write to sendOutputReport with the report id split off', () => {
    expect(report.output).toBe('ok');
    expect(report.recorded).toContainEqual({ kind: 'output', reportId: numbered ? 2 : 0, hex: 'a1b2c3d4e5' });
  });

  it('answers HIDIOCGFEATURE from getFeatureReport, with the same report id', () => {
    const reportId = numbered ? 3 : 0;
    expect(report.getFeature).toBe(prefix(reportId) + hex(featurePattern(reportId, 16)));
  });

  it('forwards HIDIOCSFEATURE to setFeatureReport', () => {
    expect(report.setFeature).toBe('ok');
    expect(report.recorded).toContainEqual({
      kind: 'set-feature',
      reportId: numbered ? 4 : 0,
      hex: '0102030405',
    });
  });

  it('turns a device error and a device that never answers into EIO, the latter after ~2 s', () => {
    expect(report.failingFeature).toMatch(/^error EIO/);
    expect(report.silentFeature).toMatch(/^error EIO/);
    expect(report.silentFeatureMs).toBeGreaterThanOrEqual(1_900);
    expect(report.silentFeatureMs).toBeLessThan(4_900); // the kernel's own limit is 5 s
  });

  it('removes the hidraw node when the device or the sink closes', () => {
    expect(report.hidrawGone).toBe(true);
  });
});
