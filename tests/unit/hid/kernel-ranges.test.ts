import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectionsFromDescriptor, synthesizeReportDescriptor } from '../../../src/hid/index.ts';
import { loadCorpus } from './corpus.ts';
import {
  type KernelField,
  KernelParseError,
  type KernelRange,
  kernelFields,
  representableRange,
} from './kernel-reading.ts';

/** What the receiver does: rebuild from the collections Chrome gives (protected reports kept here). */
function rebuild(descriptor: Uint8Array): Uint8Array {
  return synthesizeReportDescriptor(collectionsFromDescriptor(descriptor, { protectedReports: 'keep' }));
}

function fieldKey(field: KernelField): string {
  const usage = `${(field.usage >>> 16).toString(16)}:${(field.usage & 0xffff).toString(16)}`;
  return `${field.type} #${field.reportId} @${field.bitOffset} ${field.reportSize}×${field.reportCount} ${usage}`;
}

const show = (range: KernelRange) => `[${range.minimum}, ${range.maximum}]`;
const contains = (outer: KernelRange, inner: KernelRange) =>
  outer.minimum <= inner.minimum && outer.maximum >= inner.maximum;

/**
 * The logical range that matters is the part the field can carry: a declared maximum above 2^size − 1
 * can never be reached, and Chrome's reading cannot tell it from the full field (both arrive as −1).
 */
function carriedLogical(field: KernelField): KernelRange {
  const carriable = representableRange(field);
  return {
    minimum: Math.max(field.logical.minimum, carriable.minimum),
    maximum: Math.min(field.logical.maximum, carriable.maximum),
  };
}

/** Every way the rebuilt descriptor, read by Linux, is narrower than the original read by Linux. */
function narrowings(original: Uint8Array, options: { physical: boolean }): string[] {
  const before = kernelFields(original);
  const after = new Map(kernelFields(rebuild(original)).map((field) => [fieldKey(field), field]));
  return before.flatMap((field) => {
    const key = fieldKey(field);
    const rebuilt = after.get(key);
    if (!rebuilt) return [`${key}: missing`];
    const problems: string[] = [];
    if (!contains(rebuilt.logical, carriedLogical(field)))
      problems.push(`${key}: logical ${show(field.logical)} → ${show(rebuilt.logical)}`);
    if (options.physical && !contains(rebuilt.physical, field.physical))
      problems.push(`${key}: physical ${show(field.physical)} → ${show(rebuilt.physical)}`);
    return problems;
  });
}

describe('rebuilt descriptors as Linux hid-core reads them', () => {
  describe.each(loadCorpus())('$file', (device) => {
    it('keep every field and never narrow its logical or physical range', () => {
      expect(narrowings(device.descriptor, { physical: true })).toEqual([]);
    });
  });

  it('give the Xbox One controller its full 16-bit sticks and triggers', () => {
    const xbox = loadCorpus().find((device) => device.file.startsWith('microsoft-xbox-one'))!;
    const axes = kernelFields(rebuild(xbox.descriptor)).filter((field) => field.reportSize === 16);
    expect(axes.map((field) => field.logical)).toEqual([
      { minimum: 0, maximum: 65535 },
      { minimum: 0, maximum: 65535 },
      { minimum: 0, maximum: 65535 },
    ]);
  });

  it('never narrow a generated field whose maxima are written at any width', () => {
    fc.assert(
      fc.property(fc.array(generatedField(), { minLength: 1, maxLength: 6 }), (fields) => {
        const original = descriptorOf(fields);
        fc.pre(kernelAccepts(original));
        expect(narrowings(original, { physical: false })).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

interface Payload {
  readonly size: 1 | 2 | 4;
  readonly value: number;
}

interface GeneratedField {
  readonly reportSize: number;
  readonly logicalMinimum: number;
  readonly logicalMaximum: Payload;
  readonly physicalMinimum: number;
  readonly physicalMaximum: Payload;
}

const payload = (): fc.Arbitrary<Payload> =>
  fc.constantFrom<1 | 2 | 4>(1, 2, 4).chain((size) =>
    fc.record({
      size: fc.constant(size),
      // Biased to the top of the width, where Chrome's sign extension bites.
      value: fc.oneof(
        fc.integer({ min: 0, max: 2 ** (8 * size) - 1 }),
        fc.integer({ min: 2 ** (8 * size) - 300, max: 2 ** (8 * size) - 1 }),
      ),
    }),
  );

const generatedField = (): fc.Arbitrary<GeneratedField> =>
  fc.record({
    reportSize: fc.integer({ min: 1, max: 40 }),
    logicalMinimum: fc.integer({ min: -40000, max: 300 }),
    logicalMaximum: payload(),
    physicalMinimum: fc.integer({ min: -200, max: 200 }),
    physicalMaximum: payload(),
  });

/** One application collection of variable inputs; each field restates its globals at the width drawn. */
function descriptorOf(fields: readonly GeneratedField[]): Uint8Array {
  const out = [0x05, 0x01, 0x09, 0x04, 0xa1, 0x01];
  const item = (prefix: number, { size, value }: Payload) => {
    out.push(prefix | (size === 4 ? 3 : size));
    for (let i = 0; i < size; i++) out.push(Math.floor(value / 256 ** i) % 256);
  };
  const signed = (value: number): Payload => ({ size: 4, value: value >>> 0 });
  fields.forEach((field, index) => {
    item(0x14, signed(field.logicalMinimum));
    item(0x24, field.logicalMaximum);
    item(0x34, signed(field.physicalMinimum));
    item(0x44, field.physicalMaximum);
    item(0x74, { size: 1, value: field.reportSize });
    out.push(0x95, 0x01, 0x09, 0x30 + index, 0x81, 0x02);
  });
  out.push(0xc0);
  return Uint8Array.from(out);
}

function kernelAccepts(descriptor: Uint8Array): boolean {
  try {
    kernelFields(descriptor);
    return true;
  } catch (error) {
    if (error instanceof KernelParseError) return false;
    throw error;
  }
}
