import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HidCollectionInfo, HidDescriptorModel } from '../../../src/hid/index.ts';

/** The shared corpus lives beside the repository: <repo>/../shared/corpus/hid. */
const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/hid');

export interface CorpusDevice {
  readonly file: string;
  readonly descriptor: Uint8Array;
  readonly recording: readonly { t: number; report: Uint8Array }[];
}

interface CorpusJson {
  descriptor: string;
  recording?: { t: number; report: string }[];
}

export function loadCorpus(): CorpusDevice[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const json = JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as CorpusJson;
      return {
        file,
        descriptor: fromHex(json.descriptor),
        recording: (json.recording ?? []).map(({ t, report }) => ({ t, report: fromHex(report) })),
      };
    });
}

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

/**
 * What must survive a rebuild: per report its ID and bit length, per field its bit offset, size, count,
 * usages, ranges, units and flags. Reports are sorted by ID (their listing order is Chrome's map order).
 */
export function layoutSignature(model: HidDescriptorModel) {
  const reports = (['input', 'output', 'feature'] as const).flatMap((type) =>
    [...model.reports[type].values()]
      .sort((a, b) => a.reportId - b.reportId)
      .map((layout) => ({
        type,
        reportId: layout.reportId,
        bitLength: layout.bitLength,
        fields: layout.fields.map(({ bitOffset, item }) => ({ bitOffset, ...item })),
      })),
  );
  return { usesReportIds: model.usesReportIds, reports };
}

export function treeSignature(collections: readonly HidCollectionInfo[]): unknown[] {
  return collections.map(({ usagePage, usage, type, children }) => ({
    usagePage,
    usage,
    type,
    children: treeSignature(children),
  }));
}
