/** Encoders for the generic-USB frames of usb-layout.ts (little-endian throughout). */
import {
  USB_ANNOUNCE_HEADER,
  USB_COMMAND_LENGTH,
  USB_COMPLETION_HEADER,
  USB_CONTROL_HEADER,
  USB_DESCRIPTOR_ENTRY_HEADER,
  USB_ISO_HEADER,
  USB_ISO_PACKET_LENGTH_BYTES,
  USB_ISO_PACKET_RESULT_BYTES,
  USB_TRANSFER_HEADER,
  UsbCommand,
  UsbFrameType,
  usbStatusCode,
} from './usb-layout.ts';
import type {
  UsbAnnouncement,
  UsbCommandMessage,
  UsbCompletionMessage,
  UsbRequestMessage,
} from './usb-messages.ts';

const EMPTY = new Uint8Array(0);

/**
 * Where request and completion frames can be encoded again and again: a transfer's frame is handed to
 * a link that copies it (`PeerChannel.send` borrows), so a sender that keeps one of these allocates no
 * 16 KiB buffer per transfer. Each encode overwrites the previous frame.
 */
export class UsbEncodeBuffer {
  private bytes = new Uint8Array(0);
  private view = new DataView(this.bytes.buffer);

  take(length: number): { out: Uint8Array; view: DataView } {
    if (this.bytes.length < length) {
      this.bytes = new Uint8Array(Math.max(length, this.bytes.length * 2, 256));
      this.view = new DataView(this.bytes.buffer);
    }
    return { out: this.bytes.subarray(0, length), view: this.view };
  }
}

function frame(
  type: number,
  device: number,
  third: number,
  headerLength: number,
  data: Uint8Array,
  into: UsbEncodeBuffer | undefined,
) {
  const length = headerLength + data.length;
  const { out, view } = into ? into.take(length) : fresh(length);
  out.fill(0, 0, headerLength);
  out[0] = type;
  out[1] = device;
  out[2] = third;
  out.set(data, headerLength);
  return { out, view };
}

function fresh(length: number) {
  const out = new Uint8Array(length);
  return { out, view: new DataView(out.buffer) };
}

export function encodeUsbAnnounce(device: number, announcement: UsbAnnouncement): Uint8Array {
  const size = announcement.descriptors.reduce(
    (total, entry) => total + USB_DESCRIPTOR_ENTRY_HEADER + entry.bytes.length,
    USB_ANNOUNCE_HEADER,
  );
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = UsbFrameType.Announce;
  out[1] = device;
  out[2] = announcement.activeConfiguration;
  let at = USB_ANNOUNCE_HEADER;
  for (const entry of announcement.descriptors) {
    out[at] = entry.type;
    out[at + 1] = entry.index;
    view.setUint16(at + 2, entry.langId, true);
    view.setUint16(at + 4, entry.bytes.length, true);
    out.set(entry.bytes, at + USB_DESCRIPTOR_ENTRY_HEADER);
    at += USB_DESCRIPTOR_ENTRY_HEADER + entry.bytes.length;
  }
  return out;
}

/** `into`: encode into that buffer (the result is a view of it, valid until its next use). */
export function encodeUsbRequest(
  device: number,
  request: UsbRequestMessage,
  into?: UsbEncodeBuffer,
): Uint8Array {
  switch (request.kind) {
    case 'control':
      return encodeControl(device, request, into);
    case 'transfer':
      return encodeTransfer(device, request, into);
    case 'isochronous':
      return encodeIsochronous(device, request, into);
    default:
      return encodeUsbCommand(device, request, into);
  }
}

function encodeControl(
  device: number,
  request: Extract<UsbRequestMessage, { kind: 'control' }>,
  into: UsbEncodeBuffer | undefined,
) {
  const { out, view } = frame(UsbFrameType.Control, device, 0, USB_CONTROL_HEADER, request.data, into);
  const { setup } = request;
  view.setUint32(4, request.requestId, true);
  out[8] = setup.requestType;
  out[9] = setup.request;
  view.setUint16(10, setup.value, true);
  view.setUint16(12, setup.index, true);
  view.setUint16(14, setup.length, true);
  return out;
}

function encodeTransfer(
  device: number,
  request: Extract<UsbRequestMessage, { kind: 'transfer' }>,
  into: UsbEncodeBuffer | undefined,
) {
  const { out, view } = frame(
    UsbFrameType.Transfer,
    device,
    request.endpoint,
    USB_TRANSFER_HEADER,
    request.data,
    into,
  );
  view.setUint32(4, request.requestId, true);
  view.setUint32(8, request.length, true);
  return out;
}

function encodeIsochronous(
  device: number,
  request: Extract<UsbRequestMessage, { kind: 'isochronous' }>,
  into: UsbEncodeBuffer | undefined,
) {
  const lengthsBytes = request.packetLengths.length * USB_ISO_PACKET_LENGTH_BYTES;
  const header = USB_ISO_HEADER + lengthsBytes;
  const { out, view } = frame(UsbFrameType.Isochronous, device, request.endpoint, header, request.data, into);
  view.setUint32(4, request.requestId, true);
  view.setUint16(8, request.packetLengths.length, true);
  request.packetLengths.forEach((length, i) => {
    view.setUint32(USB_ISO_HEADER + i * USB_ISO_PACKET_LENGTH_BYTES, length, true);
  });
  return out;
}

function commandParts(command: UsbCommandMessage): [code: number, argument: number] {
  switch (command.kind) {
    case 'clear-halt':
      return [UsbCommand.ClearHalt, command.endpoint];
    case 'reset':
      return [UsbCommand.Reset, 0];
    case 'select-configuration':
      return [UsbCommand.SelectConfiguration, command.value];
    case 'select-alternate':
      return [UsbCommand.SelectAlternate, command.interfaceNumber | (command.alternateSetting << 8)];
    case 'cancel':
      return [UsbCommand.Cancel, command.target];
  }
}

export function encodeUsbCommand(
  device: number,
  command: UsbCommandMessage,
  into?: UsbEncodeBuffer,
): Uint8Array {
  const [code, argument] = commandParts(command);
  const { out, view } = frame(UsbFrameType.Command, device, code, USB_COMMAND_LENGTH, EMPTY, into);
  view.setUint32(4, command.requestId, true);
  view.setUint32(8, argument, true);
  return out;
}

/** `into`: encode into that buffer (the result is a view of it, valid until its next use). */
export function encodeUsbCompletion(
  device: number,
  completion: UsbCompletionMessage,
  into?: UsbEncodeBuffer,
): Uint8Array {
  if (completion.kind === 'iso-completion') return encodeIsoCompletion(device, completion, into);
  const status = usbStatusCode(completion.status);
  const { out, view } = frame(
    UsbFrameType.Completion,
    device,
    status,
    USB_COMPLETION_HEADER,
    completion.data,
    into,
  );
  view.setUint32(4, completion.requestId, true);
  view.setUint32(8, completion.actualLength, true);
  return out;
}

function encodeIsoCompletion(
  device: number,
  completion: Extract<UsbCompletionMessage, { kind: 'iso-completion' }>,
  into: UsbEncodeBuffer | undefined,
) {
  const header = USB_COMPLETION_HEADER + completion.packets.length * USB_ISO_PACKET_RESULT_BYTES;
  const status = usbStatusCode(completion.status);
  const { out, view } = frame(
    UsbFrameType.IsochronousCompletion,
    device,
    status,
    header,
    completion.data,
    into,
  );
  view.setUint32(4, completion.requestId, true);
  view.setUint16(8, completion.packets.length, true);
  completion.packets.forEach((packet, i) => {
    const at = USB_COMPLETION_HEADER + i * USB_ISO_PACKET_RESULT_BYTES;
    out[at] = usbStatusCode(packet.status);
    view.setUint32(at + 4, packet.actualLength, true);
  });
  return out;
}
