/**
 * What the sinks are given as a shared device's report descriptor: the device's own when the sharer
 * announced one that parses (a replayed recording), else one rebuilt from the collections — a peer's
 * bytes that are no descriptor never reach a sink.
 */
import { describe, expect, it } from 'vitest';
import { collectionsFromDescriptor, synthesizeReportDescriptor } from '../../../src/hid/index.ts';
import type { DeviceAnnouncement } from '../../../src/protocol/index.ts';
import { asRemoteHidDevice } from '../../../src/receiver/hid-device.ts';
import { RemoteDevice } from '../../../src/transport/index.ts';
import { loadCorpusDevice } from '../../support/corpus.ts';

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

function presented(name: string, reportDescriptor?: string) {
  const corpus = loadCorpusDevice(name);
  const collections = collectionsFromDescriptor(corpus.descriptor);
  const announcement = {
    kind: 'hid',
    vendorId: corpus.vendorId,
    productId: corpus.productId,
    productName: corpus.name,
    collections,
    ...(reportDescriptor === undefined ? {} : { reportDescriptor }),
  } as unknown as DeviceAnnouncement;
  const { info } = asRemoteHidDevice(new RemoteDevice(0, announcement, () => undefined));
  return { corpus, collections, info };
}

describe('the descriptor a receiver presents', () => {
  it("is the device's own when the sharer sent it, with report ids read from it", () => {
    for (const name of ['sony-dualshock3-usb', 'namtai-wbuzz-usb']) {
      const { corpus, info } = presented(name, hex(loadCorpusDevice(name).descriptor));
      expect(info.reportDescriptor).toEqual(corpus.descriptor);
      expect(info.descriptorFromDevice).toBe(true);
      expect(info.usesReportIds).toBe(name === 'sony-dualshock3-usb');
    }
  });

  it('is rebuilt from the collections when none came, or what came does not parse', () => {
    for (const sent of [undefined, 'a101', '0501a101']) {
      const { collections, info } = presented('sony-dualshock3-usb', sent);
      expect(info.reportDescriptor).toEqual(synthesizeReportDescriptor(collections));
      expect(info.descriptorFromDevice).toBe(false);
      expect(info.usesReportIds).toBe(true);
    }
  });
});
