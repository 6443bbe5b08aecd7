/**
 * The stamps the VM outage test reads back from raw mouse reports (tests/support/stamped-motion.ts):
 * a report stamped at any time reads back as that time (to its 10 ms unit) from any reference within a
 * day, whatever bytes the button report held; a report without a stamp (the neutral one) reads as none.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReportDescriptor } from '../../../src/hid/index.ts';
import { hexToBytes, loadCorpusDevice } from '../../support/corpus.ts';
import { stampedReport, stampOf } from '../../support/stamped-motion.ts';

const model = parseReportDescriptor(loadCorpusDevice('genius-gila-mouse-if0').descriptor);
const DAY_MS = 86_400_000;

describe('stamped mouse motion', () => {
  it('reads back the send time from a reference up to a day away', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }),
        fc.integer({ min: -DAY_MS, max: DAY_MS }),
        fc.uint8Array({ minLength: 7, maxLength: 7 }),
        (sentMs, offsetMs, pressed) => {
          const report = stampedReport(model, 1, pressed, sentMs);
          expect(report.length).toBe(7);
          expect(report[0]).toBe(pressed[0]); // the buttons are left as they were
          expect(stampOf(model, 1, report, sentMs + offsetMs)).toBe(Math.floor(sentMs / 10) * 10);
        },
      ),
    );
  });

  it('finds no stamp in a report without motion', () => {
    expect(stampOf(model, 1, hexToBytes('00000000000000'), Date.now())).toBeUndefined();
  });

  it('refuses a report that has no X and Y to carry one', () => {
    expect(() => stampedReport(model, 2, Uint8Array.of(1), Date.now())).toThrow();
  });
});
