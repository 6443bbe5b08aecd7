import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_REPORT_BYTES,
  parseRecording,
  printRecording,
  type Recording,
  RecordingError,
} from '../../../src/devices/recording/index.ts';

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => new Uint8Array(a));
const recording: fc.Arbitrary<Recording> = fc.record({
  name: fc.string({ maxLength: 40 }).filter((name) => !/[\r\n]/.test(name)),
  ids: fc.record({
    bus: fc.integer({ min: 0, max: 0xffff }),
    vendorId: fc.integer({ min: 0, max: 0xffff }),
    productId: fc.integer({ min: 0, max: 0xffff }),
  }),
  descriptor: bytes(64),
  events: fc.array(
    fc.record({ timeUs: fc.integer({ min: 0, max: 999_999_999_999_999 }), bytes: bytes(80) }),
    { maxLength: 20 },
  ),
});

const DUALSHOCK = `# Ferry: pad (054c:0268), report descriptor rebuilt from WebHID collections
R: 4 05 01 09 05
N: Sony PLAYSTATION(R)3 Controller
I: 3 054c 0268
E: 000000.000000 3 01 00 ff
E: 000001.250000 3 01 80 7f
`;

function codeOf(text: string): string {
  try {
    parseRecording(text);
    return 'parsed';
  } catch (error) {
    if (error instanceof RecordingError) return error.code;
    throw error;
  }
}

describe('hid-recorder format', () => {
  it('reads what ferry receive writes', () => {
    const parsed = parseRecording(DUALSHOCK);
    expect(parsed.name).toBe('Sony PLAYSTATION(R)3 Controller');
    expect(parsed.ids).toEqual({ bus: 3, vendorId: 0x054c, productId: 0x0268 });
    expect([...parsed.descriptor]).toEqual([5, 1, 9, 5]);
    expect(parsed.events.map((e) => [e.timeUs, [...e.bytes]])).toEqual([
      [0, [1, 0, 255]],
      [1_250_000, [1, 128, 127]],
    ]);
  });

  it('parse(print(x)) is x', () => {
    fc.assert(
      fc.property(recording, (x) => {
        expect(parseRecording(printRecording(x))).toEqual(x);
      }),
    );
  });

  it('rejects malformed lines with a typed error and its code', () => {
    expect(codeOf('R: 2 05\nI: 3 1 2\n')).toBe('length-mismatch');
    expect(codeOf('R: 1 zz\nI: 3 1 2\n')).toBe('malformed-line');
    expect(codeOf('R: 1 05\nI: 3 1 2\nE: 1.5 1 00\n')).toBe('malformed-line');
    expect(codeOf('R: 1 05\nI: 3 1 2\nX: what\n')).toBe('unknown-line');
    expect(codeOf('R: 1 05\nR: 1 05\nI: 3 1 2\n')).toBe('duplicate-header');
    expect(codeOf('I: 3 1 2\n')).toBe('missing-header');
    expect(codeOf(`R: 1 05\nI: 3 1 2\nE: 000000.000000 ${MAX_REPORT_BYTES + 1}\n`)).toBe('too-large');
  });

  it('garbage yields a RecordingError or a recording, never another throw', () => {
    const line = fc.oneof(
      fc.string(),
      fc
        .constantFrom('R: ', 'N: ', 'I: ', 'E: ', 'P: ', 'D: ', '# ')
        .chain((tag) => fc.string().map((rest) => tag + rest)),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        expect([
          'parsed',
          'unknown-line',
          'malformed-line',
          'length-mismatch',
          'too-large',
          'duplicate-header',
          'missing-header',
        ]).toContain(codeOf(lines.join('\n')));
      }),
    );
  });

  it('garbage after a valid header is refused the same way', () => {
    fc.assert(
      fc.property(fc.string(), (rest) => {
        const code = codeOf(`R: 1 05\nI: 3 1 2\nE: ${rest}`);
        expect(
          code === 'parsed' ||
            code === 'malformed-line' ||
            code === 'length-mismatch' ||
            code === 'too-large',
        ).toBe(true);
      }),
    );
  });
});
