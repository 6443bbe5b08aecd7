import fc from 'fast-check';

/** A test-side model of a descriptor: simpler than HID, independent of src/hid's synthesizer. */
export interface GenField {
  kind: 'input' | 'output' | 'feature';
  reportId: number;
  flags: number;
  size: number;
  count: number;
  logicalMin: number;
  logicalMax: number;
  physicalMin: number;
  physicalMax: number;
  unit: number;
  unitExponent: number;
  usagePage: number;
  usages: number[];
  range: [number, number] | null;
}

export interface GenCollection {
  type: number;
  usagePage: number;
  usage: number;
  body: (GenField | GenCollection)[];
}

const field = (reportIds: readonly number[]): fc.Arbitrary<GenField> =>
  fc.record({
    kind: fc.constantFrom('input', 'output', 'feature'),
    reportId: fc.constantFrom(...reportIds),
    flags: fc.integer({ min: 0, max: 0x1ff }),
    size: fc.integer({ min: 0, max: 40 }),
    count: fc.integer({ min: 0, max: 6 }),
    logicalMin: fc.integer({ min: -70000, max: 300 }),
    logicalMax: fc.integer({ min: -1, max: 70000 }),
    physicalMin: fc.integer({ min: -200, max: 200 }),
    physicalMax: fc.integer({ min: 0, max: 100000 }),
    unit: fc.constantFrom(0, 0x11, 0x14, 0xe121, 0x1001, 0x0100_00e1, 0xf),
    unitExponent: fc.integer({ min: 0, max: 15 }),
    usagePage: fc.constantFrom(0x01, 0x09, 0x0c, 0x0d, 0xff00),
    usages: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 4 }),
    range: fc.option(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 600 })), {
      nil: null,
    }),
  });

export function descriptorTree(): fc.Arbitrary<GenCollection[]> {
  return fc.constantFrom<readonly number[]>([0], [1, 2, 3], [4, 9, 17, 200, 255]).chain((ids) => {
    const { tree } = fc.letrec<{ tree: GenCollection; node: GenField | GenCollection }>((tie) => ({
      tree: fc.record({
        type: fc.integer({ min: 0, max: 6 }),
        usagePage: fc.constantFrom(0x00, 0x01, 0x0d, 0xff00),
        usage: fc.integer({ min: 0, max: 0xffff }),
        body: fc.array(tie('node'), { maxLength: 5 }),
      }),
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, field(ids), tie('tree')),
    }));
    return fc.array(tree, { minLength: 1, maxLength: 3 });
  });
}

/** Writes the tree with every global restated before each main item (no compaction, no cleverness). */
export function buildDescriptor(collections: readonly GenCollection[]): Uint8Array {
  const out: number[] = [];
  const item = (prefix: number, value: number) => {
    out.push(prefix | 3, value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
  };
  const writeCollection = (collection: GenCollection) => {
    item(0x04, collection.usagePage);
    item(0x08, collection.usage); // ≤ 0xFFFF: combined with the page just set
    item(0xa0, collection.type);
    for (const node of collection.body) {
      if ('body' in node) writeCollection(node);
      else writeField(node);
    }
    out.push(0xc0);
  };
  const writeField = (f: GenField) => {
    if (f.reportId !== 0) item(0x84, f.reportId);
    item(0x04, f.usagePage);
    item(0x14, f.logicalMin);
    item(0x24, f.logicalMax);
    item(0x34, f.physicalMin);
    item(0x44, f.physicalMax);
    item(0x64, f.unit);
    item(0x54, f.unitExponent);
    item(0x74, f.size);
    item(0x94, f.count);
    for (const usage of f.usages) item(0x08, usage);
    if (f.range) {
      item(0x18, f.range[0]);
      item(0x28, f.range[1]);
    }
    item({ input: 0x80, output: 0x90, feature: 0xb0 }[f.kind], f.flags);
  };
  collections.forEach(writeCollection);
  return Uint8Array.from(out);
}
