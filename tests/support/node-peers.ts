import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { SimulatedHidDevice } from '../../src/devices/index.ts';
import { collectionsFromDescriptor } from '../../src/hid/index.ts';
import type { CollectionBody } from '../../src/protocol/index.ts';
import { SignalingClient, simplePeerLinks, type WebSocketConstructor } from '../../src/transport/index.ts';
import { type CorpusDevice, loadCorpusDevice } from './corpus.ts';

/** WebRTC links for Node peers in tests (the same stack `ferry receive` uses). */
export const nodeLinks = simplePeerLinks(wrtc);

/** A signaling client connected to a Ferry server at `serverUrl` (http://host:port). */
export async function connectSignaling(serverUrl: string): Promise<SignalingClient> {
  const client = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  await client.connect(`${serverUrl.replace(/^http/, 'ws')}/signal`);
  return client;
}

/** A simulated HIDDevice presenting a corpus device with the collections Chrome would give it. */
export function simulatedCorpusDevice(
  name: string,
  ids?: { vendorId: number; productId: number },
): { corpus: CorpusDevice; device: SimulatedHidDevice } {
  const corpus = loadCorpusDevice(name);
  const device = new SimulatedHidDevice({
    vendorId: ids?.vendorId ?? corpus.vendorId,
    productId: ids?.productId ?? corpus.productId,
    productName: corpus.name,
    collections: collectionsFromDescriptor(corpus.descriptor) as unknown as CollectionBody[],
  });
  return { corpus, device };
}
