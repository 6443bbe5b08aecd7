import { parseReportDescriptor } from '../../src/hid/index.ts';
import type { HidReportType } from '../../src/hid/types.ts';
import { loadCorpusDevice } from './corpus.ts';
import type { FakeDeviceConfig, ReportLengths } from './fake-webhid/config.ts';
import { bytesToHex } from './fake-webhid/hex.ts';

/**
 * A fake device built from a corpus entry (../shared/corpus/hid/<name>.json): collections and report
 * lengths come from src/hid parsing the real descriptor the way Chrome does, the recording is replayed
 * as recorded. `extra` sets permission, plug state, serial number, or overrides anything else.
 */
export function fakeDeviceFromCorpus(name: string, extra: Partial<FakeDeviceConfig> = {}): FakeDeviceConfig {
  const device = loadCorpusDevice(name);
  const model = parseReportDescriptor(device.descriptor);
  const lengths = (type: HidReportType): ReportLengths =>
    Object.fromEntries([...model.reports[type]].map(([reportId, layout]) => [reportId, layout.byteLength]));
  return {
    vendorId: device.vendorId,
    productId: device.productId,
    productName: device.name,
    collections: model.collections,
    usesReportIds: model.usesReportIds,
    inputReportLengths: lengths('input'),
    outputReportLengths: lengths('output'),
    featureReportLengths: lengths('feature'),
    recording: device.recording.map(({ t, report }) => ({ t, report: bytesToHex(report) })),
    ...extra,
  };
}
