import { describe, expect, it } from 'vitest';
import type { FakeCollectionInfo } from '../../support/fake-webhid/config.ts';
import {
  isAlwaysProtected,
  isReportProtected,
  removeProtectedReports,
} from '../../support/fake-webhid/protection.ts';

const report = (reportId: number) => ({ reportId, items: [] });
const collection = (
  usagePage: number,
  usage: number,
  extra: Partial<FakeCollectionInfo> = {},
): FakeCollectionInfo => ({
  usagePage,
  usage,
  type: 1,
  children: [],
  inputReports: [],
  outputReports: [],
  featureReports: [],
  ...extra,
});

describe('Chrome protected reports', () => {
  it('protects keyboards and mice except their feature reports, and system controls entirely', () => {
    expect(isAlwaysProtected(0x01, 0x02, 'input')).toBe(true);
    expect(isAlwaysProtected(0x01, 0x02, 'feature')).toBe(false);
    expect(isAlwaysProtected(0x01, 0x06, 'output')).toBe(true);
    expect(isAlwaysProtected(0x07, 0x00, 'feature')).toBe(true);
    expect(isAlwaysProtected(0x01, 0x80, 'feature')).toBe(true);
    expect(isAlwaysProtected(0x01, 0xb6, 'input')).toBe(true);
    expect(isAlwaysProtected(0x01, 0x05, 'input')).toBe(false);
  });

  it('drops a mouse whose only reports are protected, keeps its feature report', () => {
    const mouse = collection(0x01, 0x02, { inputReports: [report(0)] });
    expect(removeProtectedReports([mouse])).toEqual([]);
    const withFeature = collection(0x01, 0x02, { inputReports: [report(1)], featureReports: [report(2)] });
    expect(removeProtectedReports([withFeature])).toEqual([{ ...withFeature, inputReports: [] }]);
  });

  it('removes FIDO collections (HID blocklist) and keeps gamepads untouched', () => {
    const fido = collection(0xf1d0, 0x01, { inputReports: [report(0)], outputReports: [report(0)] });
    const pad = collection(0x01, 0x05, { inputReports: [report(1)], outputReports: [report(5)] });
    expect(removeProtectedReports([fido, pad])).toEqual([pad]);
  });

  it('checks a connection request against the collection that holds the report', () => {
    const keyboard = collection(0x01, 0x06, { inputReports: [report(1)], outputReports: [report(1)] });
    const vendor = collection(0xff00, 0x01, { inputReports: [report(2)], outputReports: [report(2)] });
    expect(isReportProtected([keyboard, vendor], true, 1, 'output')).toBe(true);
    expect(isReportProtected([keyboard, vendor], true, 2, 'output')).toBe(false);
    // An unknown report on a device with a protected collection is refused.
    expect(isReportProtected([keyboard, vendor], true, 9, 'output')).toBe(true);
    expect(isReportProtected([vendor], true, 9, 'output')).toBe(false);
  });
});
