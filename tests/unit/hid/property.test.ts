import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  collectionsFromDescriptor,
  decodeReport,
  encodeReport,
  parseReportDescriptor,
  synthesizeReportDescriptor,
} from '../../../src/hid/index.ts';
import { layoutSignature, treeSignature } from './corpus.ts';
import { buildDescriptor, descriptorTree } from './generated.ts';

describe('generated descriptors', () => {
  it('rebuild from their Chrome collections to the same reports, fields and tree', () => {
    fc.assert(
      fc.property(descriptorTree(), (tree) => {
        const bytes = buildDescriptor(tree);
        const model = parseReportDescriptor(bytes);
        const collections = collectionsFromDescriptor(bytes, { protectedReports: 'keep' });
        const rebuilt = parseReportDescriptor(synthesizeReportDescriptor(collections));
        expect(layoutSignature(rebuilt)).toEqual(layoutSignature(model));
        expect(treeSignature(rebuilt.collections)).toEqual(treeSignature(model.collections));
      }),
      { numRuns: 300 },
    );
  });

  it('encode(decode(report)) returns every byte, for random report contents', () => {
    fc.assert(
      fc.property(descriptorTree(), fc.uint8Array({ minLength: 0, maxLength: 64 }), (tree, noise) => {
        const model = parseReportDescriptor(buildDescriptor(tree));
        for (const type of ['input', 'output', 'feature'] as const) {
          for (const layout of model.reports[type].values()) {
            const data = new Uint8Array(layout.byteLength + ((noise[0] ?? 0) % 3));
            data.forEach((_, i) => {
              data[i] = noise[i % Math.max(1, noise.length)] ?? 0xa5;
            });
            const decoded = decodeReport(model, type, layout.reportId, data);
            expect(encodeReport(model, type, layout.reportId, decoded)).toEqual(data);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
