/**
 * Several devices share one peer connection. Frames carry their device channel in byte 1, so the
 * link stages (seq, bundle, compression, encrypt) are shared by all devices — one key, one bundle, fewer
 * messages — while each device gets its own chain of device stages (coalesce, discard, pace), created on
 * its first frame from its own spec and dropped when its DEVICE_GONE frame has passed.
 */
import { FrameType, frameDevice } from './bytes.ts';
import type { Chain } from './chain.ts';
import type { ChannelClass, StageHalf } from './stage.ts';

export class DeviceRouter implements StageHalf {
  private readonly chains = new Map<number, Chain>();

  constructor(private readonly chainFor: (device: number) => Chain) {}

  push(bytes: Uint8Array, channel: ChannelClass): void {
    const device = frameDevice(bytes);
    let chain = this.chains.get(device);
    if (!chain) {
      chain = this.chainFor(device);
      this.chains.set(device, chain);
    }
    chain.push(bytes, channel);
    // Device stages are synchronous, so everything the device held has left by now.
    if (bytes[0] === FrameType.DeviceGone) {
      chain.close();
      this.chains.delete(device);
    }
  }

  flush(): void {
    for (const chain of this.chains.values()) chain.flush();
  }

  close(): void {
    for (const chain of this.chains.values()) chain.close();
    this.chains.clear();
  }
}
