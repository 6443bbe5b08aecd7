import type { RemoteHidDevice, RemoteUsbDevice, Sink } from './types.ts';

/**
 * Several sinks at once (`ferry receive --sink log --sink usbip`): each shared device is presented by
 * every one of them. A sink that fails to present a device does not take the device from the others.
 */
export class FanOutSink implements Sink {
  readonly name: string;
  /** Present only when some sink can present generic USB devices; those sinks get them. */
  readonly attachUsb?: (device: RemoteUsbDevice) => Promise<void>;

  constructor(private readonly sinks: readonly Sink[]) {
    this.name = sinks.map((sink) => sink.name).join('+');
    const usbSinks = sinks.filter((sink) => sink.attachUsb !== undefined);
    if (usbSinks.length > 0)
      this.attachUsb = (device) => this.attachAll(usbSinks, (sink) => sink.attachUsb!(device));
  }

  async prepare(): Promise<void> {
    for (const sink of this.sinks) await sink.prepare?.();
  }

  attach(device: RemoteHidDevice): Promise<void> {
    return this.attachAll(this.sinks, (sink) => sink.attach(device));
  }

  describe(device: RemoteHidDevice | RemoteUsbDevice): readonly string[] {
    return this.sinks.flatMap((sink) => sink.describe?.(device) ?? []);
  }

  async close(): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.close()));
  }

  private async attachAll(sinks: readonly Sink[], attach: (sink: Sink) => Promise<void>): Promise<void> {
    const results = await Promise.allSettled(sinks.map(attach));
    const failures = results.flatMap((result, i) =>
      result.status === 'rejected' ? [`${sinks[i]?.name}: ${messageOf(result.reason)}`] : [],
    );
    if (failures.length > 0) throw new Error(failures.join('; '));
  }
}

function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
