import type { CollectionBody } from '../protocol/index.ts';

type ReportKind = 'inputReports' | 'outputReports' | 'featureReports';

/** Byte length (without the id byte) of every report of one kind, from WebHID-shaped collections. */
export function reportByteLengths(
  collections: readonly CollectionBody[],
  kind: ReportKind,
): Map<number, number> {
  const bits = new Map<number, number>();
  const visit = (collection: CollectionBody) => {
    for (const report of collection[kind]) {
      const size = report.items.reduce((sum, item) => sum + item.reportSize * item.reportCount, 0);
      bits.set(report.reportId, (bits.get(report.reportId) ?? 0) + size);
    }
    collection.children.forEach(visit);
  };
  collections.forEach(visit);
  return new Map([...bits].map(([id, size]) => [id, Math.ceil(size / 8)]));
}
