import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real-device corpus lives beside the project: ../shared/corpus/hid (see its README.md). */
export const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus/hid');

export interface CorpusDevice {
  file: string;
  name: string;
  vendorId: number;
  productId: number;
  descriptor: Uint8Array;
  /** Raw hidraw reports: the first byte is the report id when the descriptor numbers its reports. */
  recording: Array<{ t: number; report: Uint8Array }>;
}

interface CorpusJson {
  name: string;
  vendorId?: number;
  productId?: number;
  descriptor: string;
  recording?: Array<{ t: number; report: string }>;
}

export function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

export function loadCorpusDevice(file: string): CorpusDevice {
  const json = JSON.parse(readFileSync(join(CORPUS_DIR, `${file}.json`), 'utf8')) as CorpusJson;
  return {
    file,
    name: json.name,
    vendorId: json.vendorId ?? 0,
    productId: json.productId ?? 0,
    descriptor: hexToBytes(json.descriptor),
    recording: (json.recording ?? []).map(({ t, report }) => ({ t, report: hexToBytes(report) })),
  };
}

export function corpusDeviceNames(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}
