import { describe, expect, it } from 'vitest';
import type { FakeCollectionInfo } from '../../support/fake-webhid/config.ts';
import { filterError, filterMatches } from '../../support/fake-webhid/filters.ts';
import { bytesToHex, hexToBytes } from '../../support/fake-webhid/hex.ts';
import { replaySchedule, splitRecordedReport } from '../../support/fake-webhid/replay.ts';

const gamepad: FakeCollectionInfo = {
  usagePage: 0x01,
  usage: 0x05,
  type: 1,
  children: [],
  inputReports: [],
  outputReports: [],
  featureReports: [],
};
const ds4 = { vendorId: 0x054c, productId: 0x05c4, collections: [gamepad] };

describe('device filters', () => {
  it('matches ids and top-level usages as hid_device_filter.cc does', () => {
    expect(filterMatches({ vendorId: 0x054c }, ds4)).toBe(true);
    expect(filterMatches({ vendorId: 0x054c, productId: 1 }, ds4)).toBe(false);
    expect(filterMatches({ usagePage: 0x01, usage: 0x05 }, ds4)).toBe(true);
    expect(filterMatches({ usagePage: 0x01, usage: 0x04 }, ds4)).toBe(false);
  });

  it('reports invalid filters with blink’s messages', () => {
    expect(filterError({})).toBe('A filter must provide a property to filter by.');
    expect(filterError({ usagePage: 1 })).toBeUndefined();
  });
});

describe('recording replay', () => {
  it('splits the report ID off numbered reports only', () => {
    expect(splitRecordedReport('01aabb', true)).toEqual({ reportId: 1, data: hexToBytes('aabb') });
    expect(splitRecordedReport('01aabb', false)).toEqual({ reportId: 0, data: hexToBytes('01aabb') });
  });

  it('schedules by recorded time, speed or a fixed interval', () => {
    const recording = [
      { t: 1.5, report: '00' },
      { t: 1.6, report: '00' },
      { t: 2.5, report: '00' },
    ];
    expect(replaySchedule(recording, {}).map(Math.round)).toEqual([0, 100, 1000]);
    expect(replaySchedule(recording, { speed: 2 }).map(Math.round)).toEqual([0, 50, 500]);
    expect(replaySchedule(recording, { intervalMs: 8 })).toEqual([0, 8, 16]);
    expect(() => replaySchedule(recording, { speed: 0 })).toThrow(RangeError);
  });

  it('round-trips hex', () => {
    expect(bytesToHex(hexToBytes('00ff7f'))).toBe('00ff7f');
    expect(() => hexToBytes('abc')).toThrow(TypeError);
  });
});
