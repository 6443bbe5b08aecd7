/** A usb-guest for tests (what QEMU's usb-redir sends), encoded with the host's own layouts. */
import { CapabilitySet } from '../../../src/receiver/sinks/usbredir/caps.ts';
import { encodePacket } from '../../../src/receiver/sinks/usbredir/encoder.ts';
import { Header32, Header64 } from '../../../src/receiver/sinks/usbredir/layouts.ts';
import { Cap, PacketType } from '../../../src/receiver/sinks/usbredir/protocol.ts';
import { TestSocket } from './usb-test-socket.ts';

export const QEMU_LIKE_CAPS = [
  Cap.connectDeviceVersion,
  Cap.filter,
  Cap.deviceDisconnectAck,
  Cap.epInfoMaxPacketSize,
  Cap.ids64Bits,
  Cap.bulkLength32Bits,
  Cap.bulkReceiving,
];

export interface ReceivedPacket {
  readonly type: number;
  readonly id: bigint;
  readonly body: Uint8Array;
}

export class TestGuest {
  private use64 = false;

  private constructor(readonly socket: TestSocket) {}

  static async connect(port: number): Promise<TestGuest> {
    return new TestGuest(await TestSocket.open(port));
  }

  /** Sends our hello (32-bit ids, as every hello) and from then on uses what both sides have. */
  hello(caps: readonly number[] = QEMU_LIKE_CAPS, hostHas64 = true): void {
    const version = new Uint8Array(64);
    version.set(new TextEncoder().encode('qemu test'));
    this.send(PacketType.hello, 0n, version, CapabilitySet.of(caps).encode());
    this.use64 = hostHas64 && caps.includes(Cap.ids64Bits);
  }

  send(type: number, id: bigint, header?: Uint8Array, data?: Uint8Array): void {
    this.socket.write(encodePacket({ type, id, header, data }, this.use64));
  }

  async read(): Promise<ReceivedPacket> {
    const layout = this.use64 ? Header64 : Header32;
    const header = layout.decode(await this.socket.read(layout.size));
    const body = await this.socket.read(header.length);
    return { type: header.type, id: BigInt(header.id), body };
  }

  /** The hello is always read with a 32-bit header, whatever `use64` says. */
  async readHello(): Promise<ReceivedPacket> {
    const header = Header32.decode(await this.socket.read(Header32.size));
    return { type: header.type, id: BigInt(header.id), body: await this.socket.read(header.length) };
  }
}
