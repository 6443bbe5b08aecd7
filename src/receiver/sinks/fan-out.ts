import type { RemoteHidDevice, Sink } from './types.ts';

/**
 * Several sinks at once (`ferry receive --sink log --sink usbip`): each shared device is presented by
 * every one of them. A sink that fails to present a device does not take the device from the others.
 */
export class FanOutSink implements Sink {
  readonly name: string;

  constructor(private readonly sinks: readonly Sink[]) {
    this.name = sinks.map((sink) => sink.name).join('+');
  }

  async prepare(): Promise<void> {
    for (const sink of this.sinks) await sink.prepare?.();
  }

  async attach(device: RemoteHidDevice): Promise<void> {
    const results = await Promise.allSettled(this.sinks.map((sink) => sink.attach(device)));
    const failures = results.flatMap((result, i) =>
      result.status === 'rejected' ? [`${this.sinks[i]?.name}: ${messageOf(result.reason)}`] : [],
    );
    if (failures.length > 0) throw new Error(failures.join('; '));
  }

  describe(device: RemoteHidDevice): readonly string[] {
    return this.sinks.flatMap((sink) => sink.describe?.(device) ?? []);
  }

  async close(): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.close()));
  }
}

function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
