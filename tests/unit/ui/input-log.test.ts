import { describe, expect, it } from 'vitest';
import { filtersFrom } from '../../../src/ui/lib/filters.ts';
import { InputReportLog } from '../../../src/ui/lib/input-log.ts';

describe('ui InputReportLog', () => {
  it('keeps the latest bytes per report id, a count, and a per-second rate', () => {
    let now = 0;
    const log = new InputReportLog(() => now);
    const source = Uint8Array.of(1, 2, 3);
    for (let i = 0; i < 50; i++) log.record(1, source, i);
    source[0] = 9; // the log holds a copy, not the caller's buffer
    log.record(2, Uint8Array.of(7), 50);
    expect(log.tick()).toBe(false);
    now = 500;
    log.record(1, Uint8Array.of(4, 5), 51);
    now = 1000;
    expect(log.tick()).toBe(true);

    const [first, second] = log.list();
    expect(first).toMatchObject({ reportId: 1, count: 51, perSecond: 51 });
    expect([...(first?.data ?? [])]).toEqual([4, 5]);
    expect(second).toMatchObject({ reportId: 2, count: 1, perSecond: 1 });
  });
});

describe('ui filtersFrom', () => {
  it('builds one filter from the filled fields, or none', () => {
    expect(filtersFrom({ vendorId: '', productId: '', usagePage: '', usage: '' })).toEqual([]);
    expect(filtersFrom({ vendorId: '046d', productId: '0xC626', usagePage: '', usage: '' })).toEqual([
      { vendorId: 0x46d, productId: 0xc626 },
    ]);
    expect(filtersFrom({ vendorId: '', productId: '', usagePage: '1', usage: '8' })).toEqual([
      { usagePage: 1, usage: 8 },
    ]);
  });

  it('refuses combinations Chrome would reject', () => {
    expect(() => filtersFrom({ vendorId: '', productId: 'c626', usagePage: '', usage: '' })).toThrow(
      'vendor id',
    );
    expect(() => filtersFrom({ vendorId: '', productId: '', usagePage: '', usage: '8' })).toThrow(
      'usage page',
    );
  });
});
