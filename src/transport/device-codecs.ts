/**
 * Report codecs for the pipeline's coalesce and discard stages, built from each device's announced
 * collections the first time a stage asks (a descriptor model is too costly to rebuild per report).
 */
import { type HidCollectionInfo, modelFromCollections } from '../hid/index.ts';
import { type ReportCodec, reportCodecFromModel } from '../pipeline/index.ts';
import type { CollectionBody } from '../protocol/index.ts';

export class DeviceCodecs {
  private readonly collections = new Map<number, readonly CollectionBody[]>();
  private readonly codecs = new Map<number, ReportCodec | undefined>();

  /** The device on channel `device` is (now) the one with these collections. */
  set(device: number, collections: readonly CollectionBody[]): void {
    this.collections.set(device, collections);
    this.codecs.delete(device);
  }

  delete(device: number): void {
    this.collections.delete(device);
    this.codecs.delete(device);
  }

  /** Undefined for an unknown device or collections the descriptor engine refuses: stages then pass reports untouched. */
  readonly codecFor = (device: number): ReportCodec | undefined => {
    if (this.codecs.has(device)) return this.codecs.get(device);
    const collections = this.collections.get(device);
    const codec = collections ? codecOf(collections) : undefined;
    if (collections) this.codecs.set(device, codec);
    return codec;
  };
}

function codecOf(collections: readonly CollectionBody[]): ReportCodec | undefined {
  try {
    return reportCodecFromModel(modelFromCollections(collections as unknown as HidCollectionInfo[]));
  } catch {
    // A device whose collections do not form a usable model is shared without coalesce or discard.
    return undefined;
  }
}
