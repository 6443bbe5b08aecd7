import { SimulatedHidDevice, WebHidSource } from '../../src/devices/index.ts';
import { connectSignaling, nodeLinks, nodeSignaling } from '../../src/headless/index.ts';
import { collectionsFromDescriptor, usesReportIds } from '../../src/hid/index.ts';
import type { CollectionBody } from '../../src/protocol/index.ts';
import { type ChannelAuth, SharerSession, type SignalingClient } from '../../src/transport/index.ts';
import { type CorpusDevice, loadCorpusDevice } from './corpus.ts';

/** Node peers in tests use what `ferry receive` and `ferry share` use (src/headless). */
export { connectSignaling, nodeLinks };

/** Connected like connectSignaling, but reconnecting and resuming as `ferry share` and the pages do. */
export async function connectResumingSignaling(serverUrl: string): Promise<SignalingClient> {
  const client = nodeSignaling({ reconnect: true });
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

/** A report as hid-recorder prints it after the timestamp: `<length> <hex bytes>`. */
export function recorderLine(report: Uint8Array): string {
  return `${report.length} ${[...report].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

/** An `E:` line of hid-recorder output without its timestamp, to compare with recorderLine. */
export const eventBody = (line: string): string => line.replace(/^E: \d{6}\.\d{6} /, '');

/** A Node sharer of the corpus DualShock 3 on the server at `serverUrl`, not yet hosting or joined. */
export interface CorpusSharer {
  sharer: SharerSession;
  /** Emits the first `reports` recorded reports on the device, at once. */
  play(): void;
  /** What a receiver's hid-recorder lines carry for them (recorderLine of each). */
  expected: string[];
}

export async function corpusSharer(
  serverUrl: string,
  options: { auth: ChannelAuth; name?: string; reports?: number },
): Promise<CorpusSharer> {
  const { corpus, device } = simulatedCorpusDevice('sony-dualshock3-usb');
  await device.open();
  const sharer = new SharerSession({
    signaling: await connectSignaling(serverUrl),
    links: nodeLinks,
    iceServers: [],
    name: options.name ?? 'desk',
    auth: options.auth,
    approval: 'anyone',
  });
  sharer.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget()));
  const reports = corpus.recording.slice(0, options.reports ?? 200).map((r) => r.report);
  const numbered = usesReportIds(collectionsFromDescriptor(corpus.descriptor));
  const play = () => {
    for (const report of reports) {
      if (numbered) device.emitInput(report[0]!, report.subarray(1));
      else device.emitInput(0, report);
    }
  };
  return { sharer, play, expected: reports.map(recorderLine) };
}
