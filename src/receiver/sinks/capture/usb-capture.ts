/**
 * A shared generic USB device: the enumeration a host would have read (the announced device,
 * configuration and string descriptors, SET_CONFIGURATION of the active configuration), then every
 * request any sink sends to the sharer — control with its SETUP packet, bulk, interrupt, isochronous,
 * and the configuration/interface/halt commands as the standard requests they stand for — with its
 * completion (a local timeout or cancel included) as a usbmon submission/completion pair.
 */
import {
  type UsbCompletionMessage,
  UsbDescriptorType,
  type UsbRequestMessage,
} from '../../../protocol/index.ts';
import type { RemoteUsbDevice } from '../../../transport/usb-remote-device.ts';
import { genericUrbStatus } from '../usbip/generic-urb-session.ts';
import type { ControlSetup, IsoFrame, Urb, UrbRecorder } from './urb-recorder.ts';
import { UsbmonTransfer, type UsbmonTransferType } from './usbmon-layout.ts';

const GET_DESCRIPTOR = 0x06;
const CLEAR_FEATURE = 0x01;
const SET_CONFIGURATION = 0x09;
const SET_INTERFACE = 0x0b;
const ENDPOINT_HALT = 0;
const EMPTY = new Uint8Array(0);
const NOT_RECORDED = () => {};

function enumerate(recorder: UrbRecorder, address: number, device: RemoteUsbDevice): void {
  const ask = (type: number, index: number, langId: number, bytes: Uint8Array) =>
    recorder.control(
      address,
      {
        requestType: 0x80,
        request: GET_DESCRIPTOR,
        value: (type << 8) | index,
        index: langId,
        length: bytes.length,
      },
      bytes,
    );
  const entries = [...device.descriptors.entries];
  const order = [UsbDescriptorType.device, UsbDescriptorType.configuration, UsbDescriptorType.string];
  for (const type of order) {
    const ofType = entries.filter((entry) => entry.type === type).sort((a, b) => a.index - b.index);
    for (const entry of ofType) ask(entry.type, entry.index, entry.langId, entry.bytes);
  }
  if (device.activeConfiguration !== 0) {
    const value = device.activeConfiguration;
    recorder.control(address, { requestType: 0, request: SET_CONFIGURATION, value, index: 0, length: 0 });
  }
}

/** The standard request a Ferry command stands for; reset and cancel move nothing on the bus. */
function commandSetup(request: UsbRequestMessage): ControlSetup | undefined {
  switch (request.kind) {
    case 'select-configuration':
      return { requestType: 0x00, request: SET_CONFIGURATION, value: request.value, index: 0, length: 0 };
    case 'select-alternate':
      return {
        requestType: 0x01,
        request: SET_INTERFACE,
        value: request.alternateSetting,
        index: request.interfaceNumber,
        length: 0,
      };
    case 'clear-halt':
      return {
        requestType: 0x02,
        request: CLEAR_FEATURE,
        value: ENDPOINT_HALT,
        index: request.endpoint,
        length: 0,
      };
    default:
      return undefined;
  }
}

function transferTypeOf(
  device: RemoteUsbDevice,
  endpoint: number,
): { type: UsbmonTransferType; interval: number } {
  const found = device.descriptors.endpoint(device.activeConfiguration, endpoint);
  if (found?.kind === 'interrupt') return { type: UsbmonTransfer.interrupt, interval: found.interval };
  if (found?.kind === 'isochronous') return { type: UsbmonTransfer.isochronous, interval: found.interval };
  return { type: UsbmonTransfer.bulk, interval: 0 };
}

/** Isochronous packets laid back to back, as Ferry carries them (offsets are cumulative lengths). */
function isoFrame(statuses: readonly number[], lengths: readonly number[]): IsoFrame {
  let offset = 0;
  const packets = lengths.map((length, i) => {
    const packet = { status: statuses[i] ?? 0, offset, length };
    offset += length;
    return packet;
  });
  return { errorCount: statuses.filter((status) => status !== 0).length, packets };
}

function completeUrb(recorder: UrbRecorder, urb: Urb, completion: UsbCompletionMessage): void {
  const status = genericUrbStatus(completion.status);
  const isIn = (urb.endpoint & 0x80) !== 0;
  const data = isIn ? completion.data : EMPTY;
  if (completion.kind === 'iso-completion') {
    const lengths = completion.packets.map((packet) => packet.actualLength);
    const iso = isoFrame(
      completion.packets.map((packet) => genericUrbStatus(packet.status)),
      lengths,
    );
    const total = lengths.reduce((sum, length) => sum + length, 0);
    recorder.complete(urb, status, total, data, undefined, undefined, iso);
    return;
  }
  recorder.complete(urb, status, completion.actualLength, data);
}

function submitUrb(
  recorder: UrbRecorder,
  address: number,
  device: RemoteUsbDevice,
  request: UsbRequestMessage,
) {
  if (request.kind === 'control') {
    const urb = recorder.controlUrb(address, request.setup);
    recorder.submitControl(urb, request.setup, request.data);
    return urb;
  }
  const setup = commandSetup(request);
  if (setup !== undefined) {
    const urb = recorder.controlUrb(address, setup);
    recorder.submitControl(urb, setup, EMPTY);
    return urb;
  }
  if (request.kind === 'transfer') {
    const { type, interval } = transferTypeOf(device, request.endpoint);
    const urb = recorder.urb(address, type, request.endpoint, interval);
    recorder.submit(urb, request.length, request.data);
    return urb;
  }
  if (request.kind === 'isochronous') {
    const { interval } = transferTypeOf(device, request.endpoint);
    const urb = recorder.urb(address, UsbmonTransfer.isochronous, request.endpoint, interval);
    const lengths = request.packetLengths;
    const total = lengths.reduce((sum, length) => sum + length, 0);
    recorder.submit(urb, total, request.data, isoFrame([], lengths));
    return urb;
  }
  return undefined;
}

/** Starts capturing one generic USB device; returns what stops it. */
export function captureUsbDevice(recorder: UrbRecorder, device: RemoteUsbDevice): () => void {
  const address = recorder.deviceAddress();
  enumerate(recorder, address, device);
  return device.observe((request) => {
    const urb = submitUrb(recorder, address, device, request);
    if (urb === undefined) return NOT_RECORDED;
    return (completion) => completeUrb(recorder, urb, completion);
  });
}
