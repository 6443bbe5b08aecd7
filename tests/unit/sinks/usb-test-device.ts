/**
 * Test helpers: RemoteHidDevices built in-process from the HID corpus. The report-descriptor walk here
 * is deliberately tiny (report ids only); src/hid owns real parsing.
 */
import { readFileSync } from 'node:fs';
import type {
  InputListener,
  RemoteHidDevice,
  RemoteHidDeviceInfo,
} from '../../../src/receiver/sinks/types.ts';
import { RemoteDeviceError } from '../../../src/receiver/sinks/types.ts';

import { CORPUS_DIR } from '../../support/corpus.ts';

export interface CorpusEntry {
  readonly name: string;
  readonly vendorId?: number;
  readonly productId?: number;
  readonly descriptor: string;
  readonly recording?: readonly { t: number; report: string }[];
}

export const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

export function loadCorpus(file: string): CorpusEntry {
  return JSON.parse(readFileSync(`${CORPUS_DIR}/${file}.json`, 'utf8')) as CorpusEntry;
}

/** True when a Report ID item (tag 0x84, any size) occurs among the descriptor's short items. */
export function declaresReportIds(descriptor: Uint8Array): boolean {
  for (let at = 0; at < descriptor.length; ) {
    const prefix = descriptor[at] ?? 0;
    if (prefix === 0xfe) {
      at += 3 + (descriptor[at + 1] ?? 0);
      continue;
    }
    if ((prefix & 0xfc) === 0x84) return true;
    const size = [0, 1, 2, 4][prefix & 3] ?? 0;
    at += 1 + size;
  }
  return false;
}

/** Recorded reports split as WebHID delivers them: id apart, data without it. */
export function recordedReports(entry: CorpusEntry): { reportId: number; data: Uint8Array }[] {
  const usesIds = declaresReportIds(hex(entry.descriptor));
  return (entry.recording ?? []).map(({ report }) => {
    const bytes = hex(report);
    return usesIds ? { reportId: bytes[0] ?? 0, data: bytes.subarray(1) } : { reportId: 0, data: bytes };
  });
}

export class FakeHidDevice implements RemoteHidDevice {
  readonly info: RemoteHidDeviceInfo;
  readonly outputs: { reportId: number; data: Uint8Array }[] = [];
  readonly featureWrites: { reportId: number; data: Uint8Array }[] = [];
  readonly features = new Map<number, Uint8Array>();
  private readonly inputListeners = new Set<InputListener>();
  private readonly closeListeners = new Set<() => void>();
  private isClosed = false;

  constructor(entry: CorpusEntry, productName = entry.name) {
    const descriptor = hex(entry.descriptor);
    this.info = {
      vendorId: entry.vendorId ?? 0x1209,
      productId: entry.productId ?? 0x0001,
      productName,
      collections: [],
      reportDescriptor: descriptor,
      usesReportIds: declaresReportIds(descriptor),
    };
  }

  static fromCorpus(file: string): FakeHidDevice {
    return new FakeHidDevice(loadCorpus(file));
  }

  onInput(listener: InputListener): () => void {
    this.inputListeners.add(listener);
    return () => this.inputListeners.delete(listener);
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  emitInput(reportId: number, data: Uint8Array): void {
    for (const listener of this.inputListeners) listener(reportId, data, 0);
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const listener of this.closeListeners) listener();
  }

  async sendOutputReport(reportId: number, data: Uint8Array): Promise<void> {
    this.assertOpen();
    this.outputs.push({ reportId, data: new Uint8Array(data) });
  }

  async getFeatureReport(reportId: number): Promise<Uint8Array> {
    this.assertOpen();
    const report = this.features.get(reportId);
    if (report === undefined) throw new RemoteDeviceError('device-error', `no feature report ${reportId}`);
    return report;
  }

  async setFeatureReport(reportId: number, data: Uint8Array): Promise<void> {
    this.assertOpen();
    this.featureWrites.push({ reportId, data: new Uint8Array(data) });
  }

  private assertOpen(): void {
    if (this.isClosed) throw new RemoteDeviceError('closed', 'share ended');
  }
}
