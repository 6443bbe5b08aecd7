import { SimulatedHidDevice } from '../../src/devices/index.ts';
import { collectionsFromDescriptor } from '../../src/hid/index.ts';
import type { CollectionBody } from '../../src/protocol/index.ts';
import { type CorpusDevice, loadCorpusDevice } from './corpus.ts';

/** Node peers in tests use what `ferry receive` and `ferry share` use (src/headless). */
export { connectSignaling, nodeLinks } from '../../src/headless/index.ts';

/** A simulated HIDDevice presenting a corpus device with the collections Chrome would give it. */
export function simulatedCorpusDevice(name: string): { corpus: CorpusDevice; device: SimulatedHidDevice } {
  const corpus = loadCorpusDevice(name);
  const device = new SimulatedHidDevice({
    vendorId: corpus.vendorId,
    productId: corpus.productId,
    productName: corpus.name,
    collections: collectionsFromDescriptor(corpus.descriptor) as unknown as CollectionBody[],
  });
  return { corpus, device };
}
