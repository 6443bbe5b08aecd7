import { describe, expect, it } from 'vitest';
import {
  decodeReport,
  decodeReportInto,
  encodeReport,
  HidDescriptorError,
  parseReportDescriptor,
  reportLayout,
  usageName,
  usesReportIds,
} from '../../../src/hid/index.ts';
import { fromHex } from './corpus.ts';

const BOOT_MOUSE = fromHex(
  '05010902a1010901a1000509190129031500250195037501810295017505810305010930093115812' + '57f750895028106c0c0',
);

/** Boot keyboard input report: 8 modifier bits, a reserved byte, six key-code array slots. */
const KEYBOARD = fromHex(
  '05010906a101050719e029e7150025017501950881029501750881010507190029651500256575089506' + '8100c0',
);

describe('report codec', () => {
  it('decodes a boot mouse report: buttons, constant padding, signed X/Y', () => {
    const model = parseReportDescriptor(BOOT_MOUSE);
    const report = decodeReport(model, 'input', 0, Uint8Array.of(0b1110_0101, 0xfe, 0x05));
    expect(report.fields.map((field) => field.kind)).toEqual(['variable', 'constant', 'variable']);
    expect([...report.fields[0]!.values]).toEqual([1, 0, 1]);
    expect(report.fields[0]!.usages.map((usage) => usageName(usage))).toEqual([
      'Button 1',
      'Button 2',
      'Button 3',
    ]);
    expect([...report.fields[1]!.values]).toEqual([0b11100]);
    expect([...report.fields[2]!.values]).toEqual([-2, 5]);
    expect(report.fields[2]!.usages.map((usage) => usageName(usage))).toEqual([
      'Generic Desktop / X',
      'Generic Desktop / Y',
    ]);
  });

  it('resolves array slots to the usages they select', () => {
    const model = parseReportDescriptor(KEYBOARD);
    const report = decodeReport(model, 'input', 0, Uint8Array.of(0x02, 0, 0x04, 0x05, 0, 0, 0, 0));
    const keys = report.fields[2]!;
    expect(keys.kind).toBe('array');
    expect(keys.usages.slice(0, 3).map((usage) => usageName(usage))).toEqual([
      'Keyboard / A',
      'Keyboard / B',
      'Keyboard / No Event',
    ]);
  });

  it('re-encodes edited values and keeps trailing bytes', () => {
    const model = parseReportDescriptor(BOOT_MOUSE);
    const report = decodeReport(model, 'input', 0, Uint8Array.of(0, 0, 0, 0x77));
    report.fields[2]!.values[0] = -127;
    expect(encodeReport(model, 'input', 0, report)).toEqual(Uint8Array.of(0, 0x81, 0, 0x77));
  });

  it('decodes into a caller-provided buffer without allocating per report', () => {
    const model = parseReportDescriptor(BOOT_MOUSE);
    const layout = reportLayout(model, 'input', 0)!;
    expect({ bitLength: layout.bitLength, byteLength: layout.byteLength }).toEqual({
      bitLength: 24,
      byteLength: 3,
    });
    const values = new Int32Array(layout.valueCount);
    expect(decodeReportInto(layout, Uint8Array.of(0b010, 0, 0x80), values)).toBe(6);
    expect([...values]).toEqual([0, 1, 0, 0, 0, -128]);
  });

  it('finds layouts from WebHID collections too, and says whether IDs prefix reports', () => {
    const model = parseReportDescriptor(BOOT_MOUSE);
    expect(reportLayout(model.collections, 'input', 0)?.bitLength).toBe(24);
    expect(usesReportIds(model.collections)).toBe(false);
  });

  it('refuses unknown reports and short data with typed errors', () => {
    const model = parseReportDescriptor(BOOT_MOUSE);
    expect(() => decodeReport(model, 'feature', 0, new Uint8Array(3))).toThrow(HidDescriptorError);
    expect(() => decodeReport(model, 'input', 0, new Uint8Array(2))).toThrow(/needs 3/);
  });

  it('names vendor and unknown usages in hex', () => {
    expect(usageName(0xff00_0001)).toBe('Vendor 0xFF00 / 0x0001');
    expect(usageName(0x000c_00e9)).toBe('Consumer / Volume Increment');
    expect(usageName(0x0002_00c5)).toBe('Simulation / Brake');
  });
});
