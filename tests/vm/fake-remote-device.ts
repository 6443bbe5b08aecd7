/**
 * An in-process RemoteHidDevice built from a corpus entry (../shared/corpus/hid/*.json): it
 * replays inputs on demand, records what the host sent, and answers feature reads with a pattern
 * derived from the report id. Some ids are wired to fail or never answer, to test error replies.
 */
import { readFileSync } from 'node:fs';
import {
  type InputListener,
  RemoteDeviceError,
  type RemoteHidDevice,
  type RemoteHidDeviceInfo,
} from '../../src/receiver/sinks/types.ts';

export { CORPUS_DIR } from '../support/corpus.ts';

import { CORPUS_DIR } from '../support/corpus.ts';

export interface CorpusEntry {
  readonly name: string;
  readonly vendorId?: number;
  readonly productId?: number;
  readonly descriptor: string;
  readonly recording?: readonly { t: number; report: string }[];
}

export function loadCorpusEntry(id: string): CorpusEntry {
  return JSON.parse(readFileSync(`${CORPUS_DIR}/${id}.json`, 'utf8')) as CorpusEntry;
}

/** Report id 0x85 (Report ID item tag) anywhere as an item prefix: a good-enough check for tests. */
export function descriptorUsesReportIds(descriptor: Uint8Array): boolean {
  for (let i = 0; i < descriptor.length; ) {
    const prefix = descriptor[i] ?? 0;
    if (prefix === 0xfe) return false; // long items do not occur in the corpus
    if (prefix === 0x85) return true;
    const size = [0, 1, 2, 4][prefix & 3] ?? 0;
    i += 1 + size;
  }
  return false;
}

/** The feature data the fake returns for `reportId` (without the id byte). */
export function featurePattern(reportId: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (reportId * 31 + i * 7 + 1) & 0xff);
}

export const FAILING_FEATURE_ID = 0xf0;
export const SILENT_FEATURE_ID = 0xf1;

export interface Recorded {
  readonly kind: 'output' | 'set-feature' | 'get-feature';
  readonly reportId: number;
  readonly hex: string;
}

export class FakeRemoteDevice implements RemoteHidDevice {
  readonly info: RemoteHidDeviceInfo;
  readonly recorded: Recorded[] = [];
  private readonly inputListeners = new Set<InputListener>();
  private readonly closeListeners = new Set<() => void>();

  constructor(
    entry: CorpusEntry,
    readonly featureLength = 16,
  ) {
    const reportDescriptor = Uint8Array.from(Buffer.from(entry.descriptor, 'hex'));
    this.info = {
      vendorId: entry.vendorId ?? 0,
      productId: entry.productId ?? 0,
      productName: entry.name,
      collections: [],
      reportDescriptor,
      usesReportIds: descriptorUsesReportIds(reportDescriptor),
    };
  }

  onInput(listener: InputListener): () => void {
    this.inputListeners.add(listener);
    return () => this.inputListeners.delete(listener);
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** A raw corpus report: with the id as first byte when the descriptor numbers reports. */
  emitRecordedReport(raw: Uint8Array): void {
    const reportId = this.info.usesReportIds ? (raw[0] ?? 0) : 0;
    const data = this.info.usesReportIds ? raw.subarray(1) : raw;
    for (const listener of this.inputListeners) listener(reportId, data, Date.now());
  }

  close(): void {
    for (const listener of this.closeListeners) listener();
  }

  async sendOutputReport(reportId: number, data: Uint8Array): Promise<void> {
    this.recorded.push({ kind: 'output', reportId, hex: Buffer.from(data).toString('hex') });
  }

  getFeatureReport(reportId: number): Promise<Uint8Array> {
    this.recorded.push({ kind: 'get-feature', reportId, hex: '' });
    if (reportId === SILENT_FEATURE_ID) return new Promise(() => undefined);
    if (reportId === FAILING_FEATURE_ID) {
      return Promise.reject(new RemoteDeviceError('device-error', 'NotAllowedError from the browser'));
    }
    return Promise.resolve(featurePattern(reportId, this.featureLength));
  }

  async setFeatureReport(reportId: number, data: Uint8Array): Promise<void> {
    this.recorded.push({ kind: 'set-feature', reportId, hex: Buffer.from(data).toString('hex') });
  }
}
