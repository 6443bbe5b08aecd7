/**
 * Which devices a policy lets in: deny wins, no --allow means all, part selectors (usage, class) must
 * cover every part of a device; facts come from real announcements (corpus HID devices, Gadget Zero).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GADGET_ZERO, SimulatedUsbDevice, WebUsbSource } from '../../../src/devices/usb/index.ts';
import { collectionsFromDescriptor } from '../../../src/hid/index.ts';
import type { CollectionBody, DeviceAnnouncement } from '../../../src/protocol/index.ts';
import {
  admitWith,
  type DeviceFacts,
  DevicePolicy,
  type DeviceSelector,
  hidFacts,
  parseSelector,
  usbFacts,
} from '../../../src/receiver/policy/index.ts';
import { loadCorpusDevice } from '../../support/corpus.ts';
import { selectorArb } from './arbitraries.ts';

function corpusAnnouncement(name: string): DeviceAnnouncement {
  const corpus = loadCorpusDevice(name);
  return {
    kind: 'hid',
    vendorId: corpus.vendorId,
    productId: corpus.productId,
    productName: corpus.name,
    collections: collectionsFromDescriptor(corpus.descriptor) as unknown as CollectionBody[],
  };
}

const policy = (allow: string[], deny: string[] = []) =>
  new DevicePolicy(allow.map(parseSelector), deny.map(parseSelector));

const keyboard = hidFacts(corpusAnnouncement('cherry-keyboard-usb')); // 046a:0011, usage 01:06
const spaceNavigator = hidFacts(corpusAnnouncement('3dconnexion-spacenavigator-usb')); // 046d:c626, 01:08
const combo = hidFacts(corpusAnnouncement('genius-imperator-keyboard-if1')); // 01:02 01:80 0c:01 ff00:01

const factsArb: fc.Arbitrary<DeviceFacts> = fc.record({
  kind: fc.constantFrom('hid' as const, 'usb' as const),
  name: fc.string({ maxLength: 8 }),
  vendorId: fc.integer({ min: 0, max: 0xffff }),
  productId: fc.integer({ min: 0, max: 0xffff }),
  deviceClass: fc.integer({ min: 0, max: 0xff }),
  parts: fc.array(
    fc.record(
      {
        usage: fc.record({ page: fc.integer({ min: 0, max: 3 }), usage: fc.integer({ min: 0, max: 8 }) }),
        interfaceClass: fc.constantFrom(0x03, 0x08, 0xff),
      },
      { requiredKeys: ['interfaceClass'] },
    ),
    { maxLength: 4 },
  ),
});
const selectorsArb = fc.array(selectorArb, { maxLength: 4 });
const idsOf = (facts: DeviceFacts): DeviceSelector => ({
  kind: 'ids',
  vendorId: facts.vendorId,
  productId: facts.productId,
});

describe('device policy', () => {
  it('lets everything in without rules, and only what --allow names with them', () => {
    expect(policy([]).decide(keyboard)).toEqual({ allowed: true });
    expect(policy(['046d:c626']).decide(spaceNavigator)).toEqual({ allowed: true });
    expect(policy(['046d:c626']).decide(keyboard)).toEqual({
      allowed: false,
      reason: 'not allowed by --allow 046d:c626',
    });
    expect(policy(['usage:01:08']).decide(spaceNavigator).allowed).toBe(true);
    expect(policy(['046d:*']).decide(spaceNavigator).allowed).toBe(true);
    expect(policy(['class:03']).decide(keyboard).allowed).toBe(true);
  });

  it('lets deny win over allow, naming the deny rule', () => {
    expect(policy(['046d:c626'], ['usage:01:08']).decide(spaceNavigator)).toEqual({
      allowed: false,
      reason: 'denied by --deny usage:01:08',
    });
    expect(policy([], ['usage:01:06']).decide(keyboard).allowed).toBe(false);
    expect(policy([], ['usage:01:06']).decide(spaceNavigator).allowed).toBe(true);
  });

  it('admits a combo device by usage only when every collection is allowed', () => {
    expect(policy(['usage:01:02']).decide(combo)).toEqual({
      allowed: false,
      reason: 'its collection usage:01:80 is not allowed by --allow usage:01:02',
    });
    expect(policy(['usage:01:*', 'usage:0c:01', 'usage:ff00:*']).decide(combo).allowed).toBe(true);
    expect(policy(['0458:4018']).decide(combo).allowed).toBe(true);
    expect(policy(['0458:4018'], ['usage:0c:*']).decide(combo).allowed).toBe(false);
  });

  it('deny wins: a device its own ids deny is refused whatever the other rules', () => {
    fc.assert(
      fc.property(factsArb, selectorsArb, selectorsArb, (facts, allow, deny) => {
        const decision = new DevicePolicy([idsOf(facts), ...allow], [...deny, idsOf(facts)]).decide(facts);
        expect(decision.allowed).toBe(false);
      }),
    );
  });

  it('allowing more never refuses more, and denying more never lets in more', () => {
    fc.assert(
      fc.property(factsArb, selectorsArb, selectorsArb, selectorArb, (facts, allow, deny, extra) => {
        const before = new DevicePolicy(allow, deny).decide(facts).allowed;
        if (allow.length > 0 && before) {
          expect(new DevicePolicy([...allow, extra], deny).decide(facts).allowed).toBe(true);
        }
        if (!before) expect(new DevicePolicy(allow, [...deny, extra]).decide(facts).allowed).toBe(false);
      }),
    );
  });

  it('without --allow, exactly the devices no deny rule reaches are let in', () => {
    fc.assert(
      fc.property(factsArb, selectorsArb, (facts, deny) => {
        const allowed = new DevicePolicy([], deny).decide(facts).allowed;
        const alone = deny.map((selector) => new DevicePolicy([], [selector]).decide(facts).allowed);
        expect(allowed).toBe(alone.every(Boolean));
      }),
    );
  });

  it('reads a generic USB device by its interface classes (Gadget Zero: ff)', async () => {
    const source = await WebUsbSource.open(new SimulatedUsbDevice());
    const facts = usbFacts(source.announcement);
    expect(facts).toMatchObject({ kind: 'usb', vendorId: GADGET_ZERO.vendorId, name: 'Gadget Zero' });
    expect(policy(['class:ff']).decide(facts!).allowed).toBe(true);
    expect(policy(['class:03']).decide(facts!)).toEqual({
      allowed: false,
      reason: 'not allowed by --allow class:03',
    });
    expect(policy(['usage:01:*']).decide(facts!).allowed).toBe(false);
    expect(policy([], ['class:ff']).decide(facts!).allowed).toBe(false);
    await source.close();
  });

  it('refuses a USB device whose descriptors do not parse', () => {
    const admit = admitWith(policy([], ['class:08']));
    const broken = {
      activeConfiguration: 1,
      descriptors: [{ type: 1, index: 0, langId: 0, bytes: new Uint8Array(3) }],
    };
    expect(admit({ kind: 'usb', index: 0, announcement: broken })).toMatch(/descriptors do not parse/);
    expect(admit({ kind: 'hid', index: 1, announcement: corpusAnnouncement('cherry-keyboard-usb') })).toBe(
      undefined,
    );
  });
});
