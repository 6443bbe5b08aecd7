/**
 * The neutral report a kept device gets when its link goes down (src/receiver/keep/neutral-report.ts):
 * worked examples on real descriptors, then properties over every corpus descriptor's input reports.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  collectionsFromDescriptor,
  type DecodedField,
  decodeReport,
  type HidCollectionInfo,
  type HidDescriptorModel,
  modelFromCollections,
} from '../../../src/hid/index.ts';
import { NeutralReports, neutralReport } from '../../../src/receiver/keep/index.ts';
import { fromHex, loadCorpus } from '../hid/corpus.ts';

/** The model the receiver builds: from the collections Chrome would announce. */
function modelOf(descriptor: Uint8Array): HidDescriptorModel {
  return modelFromCollections(collectionsFromDescriptor(descriptor) as HidCollectionInfo[]);
}

const GILA_MOUSE = loadCorpus().find((device) => device.file === 'genius-gila-mouse-if0.json')!;
const DUALSHOCK4 = loadCorpus().find((device) => device.file === 'sony-dualshock4-usb.json')!;
const DUALSHOCK = loadCorpus().find((device) => device.file === 'sony-dualshock3-usb.json')!;

describe('neutralReport', () => {
  it("centres a gamepad's hat switch (its null state) and keeps its sticks", () => {
    const model = modelOf(DUALSHOCK4.descriptor);
    const report = new Uint8Array(model.reports.input.get(1)!.byteLength);
    report.set([0x10, 0x20, 0x30, 0x40, 0xf3]); // sticks; hat 3 with four buttons down
    const neutral = neutralReport(model, 1, report);
    expect([...neutral.subarray(0, 5)]).toEqual([0x10, 0x20, 0x30, 0x40, 0x08]);
  });

  it('releases a mouse held with a button down while moving: buttons up, motion and wheel at zero', () => {
    const model = modelOf(GILA_MOUSE.descriptor);
    const held = fromHex('08010000ffff00'); // report 1 without its id: button 4, X +1, Y −1
    expect([...neutralReport(model, 1, held)]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('keeps a gamepad where its sticks are and releases its buttons', () => {
    const model = modelOf(DUALSHOCK.descriptor);
    const report = DUALSHOCK.recording[0]!.report.slice(1);
    report[1] = 0xff; // every button of the first byte down
    const neutral = neutralReport(model, 1, report);
    const decoded = decodeReport(model, 'input', 1, neutral);
    const before = decodeReport(model, 'input', 1, report);
    for (const [i, field] of decoded.fields.entries()) {
      if (isButtons(field)) expect([...field.values].every((value) => value === 0)).toBe(true);
      else expect([...field.values]).toEqual([...before.fields[i]!.values]);
    }
    expect(neutral[5]).toBe(report[5]); // the left stick's X
  });

  it('is idempotent and sends nothing pressed or moving, for every input report of every corpus device', () => {
    const cases = loadCorpus().flatMap((device) => {
      const model = modelOrNothing(device.descriptor);
      if (!model) return [];
      return [...model.reports.input.values()]
        .filter((layout) => layout.byteLength > 0)
        .map((layout) => ({ file: device.file, model, layout }));
    });
    expect(cases.length).toBeGreaterThan(40);
    for (const { model, layout } of cases) {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: layout.byteLength, maxLength: layout.byteLength }),
          (report) => {
            const neutral = neutralReport(model, layout.reportId, report);
            expect(neutral.length).toBe(report.length);
            expect([...neutralReport(model, layout.reportId, neutral)]).toEqual([...neutral]);
            const after = decodeReport(model, 'input', layout.reportId, neutral);
            const before = decodeReport(model, 'input', layout.reportId, report);
            for (const [i, field] of after.fields.entries()) expectNeutral(field, before.fields[i]!);
          },
        ),
        { numRuns: 12 },
      );
    }
  });
});

describe('NeutralReports', () => {
  it('gives one report per input report id seen, from the last one, and none for ids never seen', () => {
    const neutral = new NeutralReports(
      collectionsFromDescriptor(GILA_MOUSE.descriptor) as HidCollectionInfo[],
    );
    expect(neutral.reports()).toEqual([]);
    neutral.remember(1, fromHex('08010000ffff00'));
    neutral.remember(1, fromHex('0102000300ff00'));
    const reports = neutral.reports();
    expect(reports.map(({ reportId }) => reportId)).toEqual([1]);
    expect([...reports[0]!.data]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('skips a report id the descriptor does not declare, and a last report too short for its layout', () => {
    const neutral = new NeutralReports(
      collectionsFromDescriptor(GILA_MOUSE.descriptor) as HidCollectionInfo[],
    );
    neutral.remember(0x42, Uint8Array.of(1, 2, 3));
    neutral.remember(1, Uint8Array.of(1));
    expect(neutral.reports()).toEqual([]);
  });
});

function modelOrNothing(descriptor: Uint8Array): HidDescriptorModel | undefined {
  try {
    return modelOf(descriptor);
  } catch {
    return undefined;
  }
}

function isButtons(field: DecodedField): boolean {
  return field.kind === 'variable' && field.usages.some((usage) => usage >>> 16 === 0x09);
}

const HAT_SWITCH = 0x0001_0039;

/** What the person let go of: nothing selected, nothing pressed, nothing moving; the rest as it was. */
function expectNeutral(after: DecodedField, before: DecodedField): void {
  const { item } = after;
  if (after.kind === 'constant') {
    expect([...after.values]).toEqual([...before.values]);
    return;
  }
  // An array selects nothing; a byte buffer declared as an array (no value left for "none") is zeroed.
  if (after.kind === 'array') {
    after.usages.forEach((usage, slot) => {
      expect((usage & 0xffff) === 0 || after.values[slot] === 0).toBe(true);
    });
    return;
  }
  const perSlot = after.values.length / Math.max(1, item.reportCount);
  after.usages.forEach((usage, slot) => {
    const value = after.values[slot * perSlot]!;
    const was = before.values[slot * perSlot]!;
    const isSwitch =
      usage >>> 16 === 0x09 ||
      usage >>> 16 === 0x07 ||
      (item.reportSize === 1 && item.logicalMinimum === 0 && item.logicalMaximum === 1);
    if (!item.isAbsolute) expect(value).toBe(0);
    else if (usage === HAT_SWITCH && item.hasNull)
      expect(value < item.logicalMinimum || value > item.logicalMaximum || value === was).toBe(true);
    else if (usage === HAT_SWITCH) expect(value).toBe(was);
    else if (isSwitch) expect(value).toBe(Math.max(item.logicalMinimum, 0));
    else expect(value).toBe(was);
  });
}
