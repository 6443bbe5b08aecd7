import { describe, expect, it } from 'vitest';
import {
  collectionsFromDescriptor,
  type HidReportItem,
  parseReportDescriptor,
  usesReportIds,
} from '../../../src/hid/index.ts';
import { LibcxxKeyOrder } from '../../../src/hid/report-order.ts';
import { fromHex } from './corpus.ts';

/** HID 1.1 appendix B.2 boot mouse; the same items as Chromium's TestReportDescriptors::Mouse(). */
const BOOT_MOUSE = fromHex(
  '05010902a1010901a1000509190129031500250195037501810295017505810305010930093115812' + '57f750895028106c0c0',
);

const NO_UNIT = {
  unitExponent: 0,
  unitFactorCurrentExponent: 0,
  unitFactorLengthExponent: 0,
  unitFactorLuminousIntensityExponent: 0,
  unitFactorMassExponent: 0,
  unitFactorTemperatureExponent: 0,
  unitFactorTimeExponent: 0,
  unitSystem: 'none',
} as const;

const DATA_FLAGS = {
  hasNull: false,
  hasPreferredState: true,
  isBufferedBytes: false,
  isLinear: true,
  isVolatile: false,
  wrap: false,
} as const;

const MOUSE_ITEMS: HidReportItem[] = [
  {
    ...DATA_FLAGS,
    isAbsolute: true,
    isArray: false,
    isConstant: false,
    isRange: true,
    logicalMaximum: 1,
    logicalMinimum: 0,
    physicalMaximum: 0,
    physicalMinimum: 0,
    reportCount: 3,
    reportSize: 1,
    ...NO_UNIT,
    usageMaximum: 0x0009_0003,
    usageMinimum: 0x0009_0001,
  },
  {
    ...DATA_FLAGS,
    isAbsolute: true,
    isArray: false,
    isConstant: true,
    isRange: false,
    logicalMaximum: 1,
    logicalMinimum: 0,
    physicalMaximum: 0,
    physicalMinimum: 0,
    reportCount: 1,
    reportSize: 5,
    ...NO_UNIT,
    usages: [],
  },
  {
    ...DATA_FLAGS,
    isAbsolute: false,
    isArray: false,
    isConstant: false,
    isRange: false,
    logicalMaximum: 127,
    logicalMinimum: -127,
    physicalMaximum: 0,
    physicalMinimum: 0,
    reportCount: 2,
    reportSize: 8,
    ...NO_UNIT,
    usages: [0x0001_0030, 0x0001_0031],
  },
];

const VENDOR_APP = '0600ff 0901 a101';
const END = 'c0';

/** The first input item of a descriptor written as space-separated item hex. */
function firstItem(...parts: string[]): HidReportItem {
  const bytes = fromHex(parts.join('').replace(/ /g, ''));
  const [collection] = collectionsFromDescriptor(bytes, { protectedReports: 'keep' });
  return collection!.inputReports[0]!.items[0]!;
}

describe('Chrome particulars', () => {
  it('boot mouse: items are copied to every ancestor (hid_collection.cc BuildCollections)', () => {
    const pointer = { reportId: 0, items: MOUSE_ITEMS };
    expect(collectionsFromDescriptor(BOOT_MOUSE, { protectedReports: 'keep' })).toEqual([
      {
        children: [
          {
            children: [],
            featureReports: [],
            inputReports: [pointer],
            outputReports: [],
            type: 0,
            usage: 1,
            usagePage: 1,
          },
        ],
        featureReports: [],
        inputReports: [pointer],
        outputReports: [],
        type: 1,
        usage: 2,
        usagePage: 1,
      },
    ]);
  });

  it('boot mouse: blink empties only the protected top-level lists (hid_device.cc UpdateDeviceInfo)', () => {
    const [mouse] = collectionsFromDescriptor(BOOT_MOUSE);
    expect(mouse!.inputReports).toEqual([]);
    expect(mouse!.children[0]!.inputReports[0]!.items).toEqual(MOUSE_ITEMS);
  });

  it('keeps feature reports of a protected Keyboard collection (IsProtectedReportType)', () => {
    // Keyboard application with one input and one feature byte.
    const bytes = fromHex('05010906a101050719e029e71500250175019508810209018501b102c0');
    const [keyboard] = collectionsFromDescriptor(bytes);
    expect(keyboard!.inputReports).toEqual([]);
    expect(keyboard!.featureReports.map((report) => report.reportId)).toEqual([1]);
  });

  it('serialises item members in lexicographic order, as WebIDL dictionaries reach script', () => {
    const item = collectionsFromDescriptor(BOOT_MOUSE, { protectedReports: 'keep' })[0]!.inputReports[0]!
      .items[2]!;
    const keys = Object.keys(item);
    expect(keys).toEqual([...keys].sort());
    expect(keys).not.toContain('strings'); // blink leaves strings/designators unset (TODO in hid_device.cc)
  });

  it('lists reports in libc++ unordered_map order: newest ID first (hid_collection.cc ToMojo)', () => {
    // Report IDs 1, 2, 3 declared in that order inside one application collection.
    const bytes = fromHex('0600ff0901a1017508950115002501850109018102850209028102850309038102c0');
    const [collection] = collectionsFromDescriptor(bytes);
    expect(collection!.inputReports.map((report) => report.reportId)).toEqual([3, 2, 1]);
    expect(usesReportIds(collectionsFromDescriptor(bytes))).toBe(true);
  });

  it('replays libc++ bucket collisions after a rehash (__hash_table::__emplace_unique_key_args)', () => {
    // 1 → buckets 2; 2 → front; 6: grow to 5 buckets, 6 % 5 = 1 joins 1's bucket right after node 2.
    const order = new LibcxxKeyOrder();
    for (const id of [1, 2, 6]) order.insert(id);
    expect(order.keys()).toEqual([2, 6, 1]);
  });

  it('treats Usage Minimum == Usage Maximum as no range (hid_report_item.cc is_range_)', () => {
    const item = firstItem(VENDOR_APP, '0509 1905 2905 1500 2501 7501 9501 8102', END);
    expect(item.isRange).toBe(false);
    expect(item.usages).toEqual([]);
    expect(item.usageMinimum).toBeUndefined();
  });

  it('combines the usage page when the Usage item is read (MaybeCombineUsageAndUsagePage)', () => {
    // Usage(X) under Generic Desktop, then Usage Page switches to Button before the Input item.
    const item = firstItem(VENDOR_APP, '0501 0930 0509 1500 2501 7508 9501 8102', END);
    expect(item.usages).toEqual([0x0001_0030]);
  });

  it('combines a 4-byte usage ≤ 0xFFFF with the page and keeps one > 0xFFFF as extended', () => {
    const item = firstItem(VENDOR_APP, '0509 0b30000000 0b31000100 1500 2501 7508 9502 8102', END);
    expect(item.usages).toEqual([0x0009_0030, 0x0001_0031]);
  });

  it('reads a 4-byte Logical Maximum as signed int32 (Int32FromValueAndSize)', () => {
    expect(firstItem(VENDOR_APP, '1500 27ffffffff 7520 9501 8102', END).logicalMaximum).toBe(-1);
  });

  it('converts unit exponent nibble 0x8 to +8 and 0xF to −1 (blink UnitFactorExponentToInt uses > 0x08)', () => {
    expect(firstItem(VENDOR_APP, '5508 1500 2501 7501 9501 8102', END).unitExponent).toBe(8);
    const item = firstItem(VENDOR_APP, '550f 66e101 1500 2501 7501 9501 8102', END);
    expect(item).toMatchObject({
      unitExponent: -1,
      unitSystem: 'si-linear',
      unitFactorLengthExponent: -2,
      unitFactorMassExponent: 1,
    });
  });

  it('ignores Push while the global stack is empty, so the matching Pop resets every global', () => {
    const item = firstItem('a4 0600ff 0901 a101 7508 9501 b4 8102', END);
    expect(item.reportSize).toBe(0);
    expect(item.reportCount).toBe(0);
  });

  it('drops main items and Report IDs outside any collection (BuildCollections checks state.collection)', () => {
    const bytes = fromHex('0601ff 7508 9501 8102 8502 0901 a101 8102 c0'.replace(/ /g, ''));
    const model = parseReportDescriptor(bytes);
    expect([...model.reports.input.keys()]).toEqual([0]);
    expect(model.reports.input.get(0)!.bitLength).toBe(8);
  });

  it('takes a collection usage page from an extended usage (AddCollection)', () => {
    const [collection] = collectionsFromDescriptor(fromHex('0501 0b0100 0dff a101 c0'.replace(/ /g, '')));
    expect(collection).toMatchObject({ usagePage: 0xff0d, usage: 1, type: 1 });
  });
});
