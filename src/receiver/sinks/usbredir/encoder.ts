/** Builds whole usbredir packets (header + type-specific header + data) in one buffer. */
import { Header32, Header64 } from './layouts.ts';

export interface OutgoingPacket {
  readonly type: number;
  readonly id: bigint;
  readonly header?: Uint8Array;
  readonly data?: Uint8Array;
}

const NOTHING = new Uint8Array(0);

export function encodePacket(packet: OutgoingPacket, use64BitIds: boolean): Uint8Array {
  const header = packet.header ?? NOTHING;
  const data = packet.data ?? NOTHING;
  const length = header.length + data.length;
  const layout = use64BitIds ? Header64 : Header32;
  const out = new Uint8Array(layout.size + length);
  if (use64BitIds) Header64.encodeInto({ type: packet.type, length, id: packet.id }, out);
  else Header32.encodeInto({ type: packet.type, length, id: Number(BigInt.asUintN(32, packet.id)) }, out);
  out.set(header, layout.size);
  out.set(data, layout.size + header.length);
  return out;
}
