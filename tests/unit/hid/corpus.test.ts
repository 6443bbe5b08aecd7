import { describe, expect, it } from 'vitest';
import {
  collectionsFromDescriptor,
  decodeReport,
  encodeReport,
  parseReportDescriptor,
  synthesizeReportDescriptor,
} from '../../../src/hid/index.ts';
import { layoutSignature, loadCorpus, treeSignature } from './corpus.ts';

const corpus = loadCorpus();

describe('HID corpus', () => {
  it('holds the 55 devices the README lists', () => {
    expect(corpus.length).toBe(55);
  });

  describe.each(corpus)('$file', (device) => {
    const model = parseReportDescriptor(device.descriptor);

    it('rebuilds from Chrome collections to the same reports, fields and tree', () => {
      // 'keep': the device service's view; blink's protected filter is checked in chrome-particulars.
      const collections = collectionsFromDescriptor(device.descriptor, { protectedReports: 'keep' });
      const rebuilt = parseReportDescriptor(synthesizeReportDescriptor(collections));
      expect(layoutSignature(rebuilt)).toEqual(layoutSignature(model));
      expect(treeSignature(rebuilt.collections)).toEqual(treeSignature(model.collections));
      expect(rebuilt.collections.length).toBe(collections.length);
    });

    it('gives JSON-serialisable collections', () => {
      const collections = collectionsFromDescriptor(device.descriptor);
      expect(JSON.parse(JSON.stringify(collections))).toEqual(collections);
    });

    if (device.recording.length === 0) return;
    it(`decodes all ${device.recording.length} recorded reports and re-encodes them byte for byte`, () => {
      for (const { report } of device.recording) {
        const reportId = model.usesReportIds ? report[0]! : 0;
        const data = model.usesReportIds ? report.subarray(1) : report;
        const decoded = decodeReport(model, 'input', reportId, data);
        expect(encodeReport(model, 'input', reportId, decoded)).toEqual(data);
      }
    });
  });
});
