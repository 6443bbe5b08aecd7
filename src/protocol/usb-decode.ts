/**
 * The validating decoder of the generic-USB frames (usb-layout.ts). Every length field is checked against
 * the bytes actually present and against UsbLimits; anything malformed throws FrameError, nothing else.
 */
import { FrameError } from './errors.ts';
import {
  ENDPOINT_DIRECTION_IN,
  USB_ANNOUNCE_HEADER,
  USB_COMMAND_LENGTH,
  USB_COMPLETION_HEADER,
  USB_CONTROL_HEADER,
  USB_DESCRIPTOR_ENTRY_HEADER,
  USB_ISO_HEADER,
  USB_ISO_PACKET_LENGTH_BYTES,
  USB_ISO_PACKET_RESULT_BYTES,
  USB_STATUS_NAMES,
  USB_TRANSFER_HEADER,
  UsbCommand,
  UsbFrameType,
  UsbLimits,
  type UsbStatusName,
} from './usb-layout.ts';
import type {
  UsbCommandMessage,
  UsbCompletionMessage,
  UsbDescriptorEntry,
  UsbFrame,
  UsbIsoPacketResult,
  UsbMessage,
  UsbRequestMessage,
} from './usb-messages.ts';

const ANNOUNCED_TYPES = new Set([0x01, 0x02, 0x03, 0x0f]);
const DEVICE_DESCRIPTOR_LENGTH = 18;

/**
 * What a frame without data carries: never a zero-length view into the message, because a request or
 * completion can outlive its message by a long way (a pending bulk IN, an interrupt IN waiting for the
 * device) and a view keeps the whole message — up to a 64 KiB bundle of other transfers — alive with it.
 */
const NO_DATA: Uint8Array = new Uint8Array(0);

/** The bytes from `start` on, or NO_DATA when there are none. */
const dataFrom = (bytes: Uint8Array, start: number) =>
  bytes.length > start ? bytes.subarray(start) : NO_DATA;

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function need(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length < length) {
    throw new FrameError('truncated', `${what} frame needs at least ${length} bytes, got ${bytes.length}`);
  }
}

function bad(message: string): never {
  throw new FrameError('bad-field', message);
}

function statusAt(code: number, what: string): UsbStatusName {
  return USB_STATUS_NAMES[code] ?? bad(`${what}: unknown USB status ${code}`);
}

function checkTransferSize(length: number, what: string): void {
  if (length > UsbLimits.maxTransferBytes) {
    throw new FrameError('too-large', `${what} of ${length} bytes; the cap is ${UsbLimits.maxTransferBytes}`);
  }
}

/** Bits 4–6 are reserved in an endpoint address and endpoint 0 is the control pipe. */
function checkEndpoint(endpoint: number, what: string): void {
  if ((endpoint & 0x70) !== 0 || (endpoint & 0x0f) === 0)
    bad(`${what}: invalid endpoint address ${endpoint}`);
}

const isIn = (address: number) => (address & ENDPOINT_DIRECTION_IN) !== 0;

/** Decodes a frame whose type lies in USB_FRAME_RANGE, or throws FrameError. */
export function decodeUsbFrame(bytes: Uint8Array): UsbFrame {
  need(bytes, 2, 'USB');
  return { type: 'usb', device: bytes[1]!, message: decodeUsbMessage(bytes) };
}

function decodeUsbMessage(bytes: Uint8Array): UsbMessage {
  switch (bytes[0]) {
    case UsbFrameType.Announce:
      return decodeAnnounce(bytes);
    case UsbFrameType.Control:
      return decodeControl(bytes);
    case UsbFrameType.Transfer:
      return decodeTransfer(bytes);
    case UsbFrameType.Isochronous:
      return decodeIsochronous(bytes);
    case UsbFrameType.Command:
      return decodeCommand(bytes);
    case UsbFrameType.Completion:
      return decodeCompletion(bytes);
    case UsbFrameType.IsochronousCompletion:
      return decodeIsoCompletion(bytes);
    default:
      throw new FrameError('unknown-type', `unknown USB frame type 0x${bytes[0]!.toString(16)}`);
  }
}

function decodeAnnounce(bytes: Uint8Array): UsbMessage {
  need(bytes, USB_ANNOUNCE_HEADER, 'USB announce');
  if (bytes.length > UsbLimits.maxAnnounceBytes) {
    throw new FrameError(
      'too-large',
      `USB announce of ${bytes.length} bytes; the cap is ${UsbLimits.maxAnnounceBytes}`,
    );
  }
  const descriptors = decodeDescriptorEntries(bytes);
  const devices = descriptors.filter((entry) => entry.type === 0x01);
  if (devices.length !== 1 || devices[0]!.bytes.length !== DEVICE_DESCRIPTOR_LENGTH) {
    bad('USB announce must carry exactly one 18-byte device descriptor');
  }
  return { kind: 'announce', activeConfiguration: bytes[2]!, descriptors };
}

function decodeDescriptorEntries(bytes: Uint8Array): UsbDescriptorEntry[] {
  const dv = view(bytes);
  const entries: UsbDescriptorEntry[] = [];
  for (let at = USB_ANNOUNCE_HEADER; at < bytes.length; ) {
    if (entries.length >= UsbLimits.maxDescriptors) bad(`more than ${UsbLimits.maxDescriptors} descriptors`);
    need(bytes, at + USB_DESCRIPTOR_ENTRY_HEADER, 'USB announce entry');
    const type = bytes[at]!;
    const length = dv.getUint16(at + 4, true);
    const start = at + USB_DESCRIPTOR_ENTRY_HEADER;
    need(bytes, start + length, 'USB announce entry');
    const raw = bytes.subarray(start, start + length);
    if (!ANNOUNCED_TYPES.has(type)) bad(`descriptor type ${type} is not announced`);
    if (length < 2 || raw[1] !== type || raw[0]! > length) bad(`descriptor of type ${type} is malformed`);
    entries.push({ type, index: bytes[at + 1]!, langId: dv.getUint16(at + 2, true), bytes: raw });
    at = start + length;
  }
  return entries;
}

function decodeControl(bytes: Uint8Array): UsbRequestMessage {
  need(bytes, USB_CONTROL_HEADER, 'USB control');
  const dv = view(bytes);
  const setup = {
    requestType: bytes[8]!,
    request: bytes[9]!,
    value: dv.getUint16(10, true),
    index: dv.getUint16(12, true),
    length: dv.getUint16(14, true),
  };
  const data = dataFrom(bytes, USB_CONTROL_HEADER);
  const expected = isIn(setup.requestType) ? 0 : setup.length;
  if (data.length !== expected) bad(`USB control carries ${data.length} data bytes, expected ${expected}`);
  return { kind: 'control', requestId: dv.getUint32(4, true), setup, data };
}

function decodeTransfer(bytes: Uint8Array): UsbRequestMessage {
  need(bytes, USB_TRANSFER_HEADER, 'USB transfer');
  const dv = view(bytes);
  const endpoint = bytes[2]!;
  checkEndpoint(endpoint, 'USB transfer');
  const length = dv.getUint32(8, true);
  checkTransferSize(length, 'USB transfer');
  const data = dataFrom(bytes, USB_TRANSFER_HEADER);
  const expected = isIn(endpoint) ? 0 : length;
  if (data.length !== expected) bad(`USB transfer carries ${data.length} data bytes, expected ${expected}`);
  return { kind: 'transfer', requestId: dv.getUint32(4, true), endpoint, length, data };
}

function decodeIsochronous(bytes: Uint8Array): UsbRequestMessage {
  need(bytes, USB_ISO_HEADER, 'USB isochronous');
  const dv = view(bytes);
  const endpoint = bytes[2]!;
  checkEndpoint(endpoint, 'USB isochronous');
  const count = dv.getUint16(8, true);
  if (count === 0 || count > UsbLimits.maxIsoPackets) bad(`USB isochronous with ${count} packets`);
  const header = USB_ISO_HEADER + count * USB_ISO_PACKET_LENGTH_BYTES;
  need(bytes, header, 'USB isochronous');
  const packetLengths: number[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const length = dv.getUint32(USB_ISO_HEADER + i * USB_ISO_PACKET_LENGTH_BYTES, true);
    total += length;
    checkTransferSize(total, 'USB isochronous');
    packetLengths.push(length);
  }
  const data = dataFrom(bytes, header);
  const expected = isIn(endpoint) ? 0 : total;
  if (data.length !== expected)
    bad(`USB isochronous carries ${data.length} data bytes, expected ${expected}`);
  return { kind: 'isochronous', requestId: dv.getUint32(4, true), endpoint, packetLengths, data };
}

function decodeCommand(bytes: Uint8Array): UsbCommandMessage {
  if (bytes.length !== USB_COMMAND_LENGTH) {
    throw new FrameError('truncated', `USB command frame must be ${USB_COMMAND_LENGTH} bytes`);
  }
  const dv = view(bytes);
  const requestId = dv.getUint32(4, true);
  const argument = dv.getUint32(8, true);
  switch (bytes[2]) {
    case UsbCommand.ClearHalt:
      if (argument > 0xff) bad(`clear-halt of endpoint ${argument}`);
      checkEndpoint(argument, 'clear-halt');
      return { kind: 'clear-halt', requestId, endpoint: argument };
    case UsbCommand.Reset:
      return { kind: 'reset', requestId };
    case UsbCommand.SelectConfiguration:
      if (argument > 0xff) bad(`configuration value ${argument}`);
      return { kind: 'select-configuration', requestId, value: argument };
    case UsbCommand.SelectAlternate:
      if (argument > 0xffff) bad(`alternate interface argument ${argument}`);
      return {
        kind: 'select-alternate',
        requestId,
        interfaceNumber: argument & 0xff,
        alternateSetting: argument >> 8,
      };
    case UsbCommand.Cancel:
      return { kind: 'cancel', requestId, target: argument };
    default:
      return bad(`unknown USB command ${bytes[2]}`);
  }
}

function decodeCompletion(bytes: Uint8Array): UsbCompletionMessage {
  need(bytes, USB_COMPLETION_HEADER, 'USB completion');
  const dv = view(bytes);
  const actualLength = dv.getUint32(8, true);
  checkTransferSize(actualLength, 'USB completion');
  const data = dataFrom(bytes, USB_COMPLETION_HEADER);
  if (data.length !== 0 && data.length !== actualLength) {
    bad(`USB completion carries ${data.length} bytes but reports ${actualLength}`);
  }
  const status = statusAt(bytes[2]!, 'USB completion');
  return { kind: 'completion', requestId: dv.getUint32(4, true), status, actualLength, data };
}

function decodeIsoCompletion(bytes: Uint8Array): UsbCompletionMessage {
  need(bytes, USB_COMPLETION_HEADER, 'USB isochronous completion');
  const dv = view(bytes);
  const count = dv.getUint16(8, true);
  if (count > UsbLimits.maxIsoPackets) bad(`USB isochronous completion with ${count} packets`);
  const header = USB_COMPLETION_HEADER + count * USB_ISO_PACKET_RESULT_BYTES;
  need(bytes, header, 'USB isochronous completion');
  const packets: UsbIsoPacketResult[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const at = USB_COMPLETION_HEADER + i * USB_ISO_PACKET_RESULT_BYTES;
    const actualLength = dv.getUint32(at + 4, true);
    total += actualLength;
    checkTransferSize(total, 'USB isochronous completion');
    packets.push({ status: statusAt(bytes[at]!, 'USB isochronous packet'), actualLength });
  }
  const data = dataFrom(bytes, header);
  if (data.length !== 0 && data.length !== total) {
    bad(`USB isochronous completion carries ${data.length} bytes but its packets report ${total}`);
  }
  const status = statusAt(bytes[2]!, 'USB isochronous completion');
  return { kind: 'iso-completion', requestId: dv.getUint32(4, true), status, packets, data };
}
