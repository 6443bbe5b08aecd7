/** What a USB/IP client (vhci-hcd, usbip-win2) sends, encoded with the server's own layouts. */
import { SetupPacketLayout } from '../../../src/receiver/sinks/usb/descriptor-layouts.ts';
import { fixedString } from '../../../src/receiver/sinks/usb/struct.ts';
import {
  CmdSubmit,
  CmdUnlink,
  ImportRequest,
  OpCommon,
  RetSubmit,
  RetUnlink,
  URB_HEADER_SIZE,
  UsbipDevice,
} from '../../../src/receiver/sinks/usbip/layouts.ts';
import { OpCode, UrbCommand, USBIP_VERSION } from '../../../src/receiver/sinks/usbip/protocol.ts';
import type { TestSocket } from './usb-test-socket.ts';

export const devlistRequest = (): Uint8Array =>
  OpCommon.encode({ version: USBIP_VERSION, code: OpCode.reqDevlist, status: 0 });

export function importRequest(busId: string): Uint8Array {
  const out = new Uint8Array(OpCommon.size + ImportRequest.size);
  OpCommon.encodeInto({ version: USBIP_VERSION, code: OpCode.reqImport, status: 0 }, out);
  ImportRequest.encodeInto({ busId: fixedString.encode(busId) }, out, OpCommon.size);
  return out;
}

export interface SubmitOptions {
  readonly seqnum: number;
  readonly direction: 0 | 1;
  readonly ep: number;
  readonly transferBufferLength: number;
  readonly setup?: {
    bmRequestType: number;
    bRequest: number;
    wValue: number;
    wIndex: number;
    wLength: number;
  };
  readonly data?: Uint8Array;
  readonly numberOfPackets?: number;
}

export function submitRequest(options: SubmitOptions): Uint8Array {
  const data = options.data ?? new Uint8Array(0);
  const out = new Uint8Array(URB_HEADER_SIZE + data.length);
  const setup = options.setup === undefined ? new Uint8Array(8) : SetupPacketLayout.encode(options.setup);
  CmdSubmit.encodeInto(
    {
      command: UrbCommand.cmdSubmit,
      seqnum: options.seqnum,
      devid: 0x00010001,
      direction: options.direction,
      ep: options.ep,
      transferFlags: 0,
      transferBufferLength: options.transferBufferLength,
      startFrame: 0,
      numberOfPackets: options.numberOfPackets ?? 0,
      interval: 1,
      setup,
    },
    out,
  );
  out.set(data, URB_HEADER_SIZE);
  return out;
}

export const getDescriptorSetup = (type: number, index: number, length: number, recipient = 0) => ({
  bmRequestType: 0x80 | recipient,
  bRequest: 0x06,
  wValue: (type << 8) | index,
  wIndex: 0,
  wLength: length,
});

export function unlinkRequest(seqnum: number, unlinkSeqnum: number): Uint8Array {
  return CmdUnlink.encode({
    command: UrbCommand.cmdUnlink,
    seqnum,
    devid: 0x00010001,
    direction: 0,
    ep: 0,
    unlinkSeqnum,
    padding: new Uint8Array(24),
  });
}

export async function readRetSubmit(socket: TestSocket, dataLength?: number) {
  const header = RetSubmit.decode(await socket.read(URB_HEADER_SIZE));
  const length = dataLength ?? header.actualLength;
  const data = length > 0 ? await socket.read(length) : new Uint8Array(0);
  return { ...header, data };
}

export async function readRetUnlink(socket: TestSocket) {
  return RetUnlink.decode(await socket.read(URB_HEADER_SIZE));
}

export async function readDevlist(socket: TestSocket) {
  const op = OpCommon.decode(await socket.read(OpCommon.size));
  const count = new DataView((await socket.read(4)).buffer).getUint32(0);
  const devices = [];
  for (let i = 0; i < count; i++) {
    const device = UsbipDevice.decode(await socket.read(UsbipDevice.size));
    const interfaces = await socket.read(4 * device.bNumInterfaces);
    devices.push({ ...device, busId: fixedString.decode(device.busId), interfaces });
  }
  return { op, devices };
}

export async function importDevice(socket: TestSocket, busId: string) {
  socket.write(importRequest(busId));
  const op = OpCommon.decode(await socket.read(OpCommon.size));
  if (op.status !== 0) return { op, device: undefined };
  const device = UsbipDevice.decode(await socket.read(UsbipDevice.size));
  return { op, device };
}
