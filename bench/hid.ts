/**
 * HID engine costs over the shared corpus: descriptor parse (once per device) and report decode (per
 * report, up to 8000/s per device). Run standalone with `npx tsx bench/hid.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decodeReport,
  decodeReportInto,
  parseReportDescriptor,
  type ReportLayout,
  synthesizeReportDescriptor,
} from '../src/hid/index.ts';

const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/corpus/hid');

interface Device {
  descriptor: Uint8Array;
  reports: Uint8Array[];
}

function loadDevices(): Device[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => {
      const json = JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as {
        descriptor: string;
        recording?: { report: string }[];
      };
      const hex = (text: string) =>
        Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
      return {
        descriptor: hex(json.descriptor),
        reports: (json.recording ?? []).map((event) => hex(event.report)),
      };
    });
}

/** Runs `body` (which performs `opsPerCall` operations) until ~200 ms have passed; returns ns per op. */
function measure(opsPerCall: number, body: () => void): number {
  for (let i = 0; i < 20; i++) body();
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < 200) {
    body();
    calls++;
    elapsed = performance.now() - started;
  }
  return (elapsed * 1e6) / (calls * opsPerCall);
}

export async function runHidBench(): Promise<{ name: string; nsPerOp: number }[]> {
  const devices = loadDevices();
  const descriptors = devices.map((device) => device.descriptor);
  const recorded = devices.flatMap((device) => {
    const model = parseReportDescriptor(device.descriptor);
    return device.reports.map((report) => {
      const reportId = model.usesReportIds ? report[0]! : 0;
      const data = model.usesReportIds ? report.subarray(1) : report;
      return { model, reportId, data, layout: model.reports.input.get(reportId) as ReportLayout };
    });
  });
  const scratch = new Float64Array(4096);
  const models = descriptors.map(parseReportDescriptor);
  return [
    {
      name: `parse descriptor (mean of ${descriptors.length})`,
      nsPerOp: measure(descriptors.length, () => {
        for (const bytes of descriptors) parseReportDescriptor(bytes);
      }),
    },
    {
      name: `synthesize descriptor (mean of ${models.length})`,
      nsPerOp: measure(models.length, () => {
        for (const model of models) synthesizeReportDescriptor(model.collections);
      }),
    },
    {
      name: `decodeReportInto, Float64Array (mean of ${recorded.length} reports)`,
      nsPerOp: measure(recorded.length, () => {
        for (const { layout, data } of recorded) decodeReportInto(layout, data, scratch);
      }),
    },
    {
      name: `decodeReport with fields and usages (mean of ${recorded.length} reports)`,
      nsPerOp: measure(recorded.length, () => {
        for (const { model, reportId, data } of recorded) decodeReport(model, 'input', reportId, data);
      }),
    },
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = await runHidBench();
  console.table(
    results.map(({ name, nsPerOp }) => ({
      name,
      'ns/op': Math.round(nsPerOp),
      'ops/s (1 core)': Math.round(1e9 / nsPerOp).toLocaleString('en'),
    })),
  );
}
