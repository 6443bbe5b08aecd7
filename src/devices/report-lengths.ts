import { type HidCollectionInfo, type HidReportType, modelFromCollections } from '../hid/index.ts';
import type { CollectionBody } from '../protocol/index.ts';

/**
 * Byte length (without the id byte) of every report of one type, from WebHID-shaped collections.
 * The HID engine works it out: Chrome lists a report in every ancestor collection, so a naive sum over
 * the tree would count it several times.
 */
export function reportByteLengths(
  collections: readonly CollectionBody[],
  type: HidReportType,
): Map<number, number> {
  const model = modelFromCollections(collections as unknown as HidCollectionInfo[]);
  return new Map([...model.reports[type]].map(([id, layout]) => [id, layout.byteLength]));
}
