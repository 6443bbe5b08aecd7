/** Control-transfer vocabulary shared by the USB/IP and usbredir sinks. */
import { SetupPacketLayout } from './descriptor-layouts.ts';

export interface SetupPacket {
  readonly requestType: number;
  readonly request: number;
  readonly value: number;
  readonly index: number;
  readonly length: number;
}

/** What a control transfer came to; each sink maps it to its own status code. */
export type ControlResult =
  | { readonly status: 'ok'; readonly data: Uint8Array }
  | { readonly status: 'stall' }
  | { readonly status: 'timeout' }
  | { readonly status: 'no-device' };

export const EMPTY = new Uint8Array(0);
export const CONTROL_OK: ControlResult = { status: 'ok', data: EMPTY };
export const CONTROL_STALL: ControlResult = { status: 'stall' };

export const RequestType = {
  directionIn: 0x80,
  typeMask: 0x60,
  standard: 0x00,
  class: 0x20,
  recipientMask: 0x1f,
  device: 0x00,
  interface: 0x01,
  endpoint: 0x02,
} as const;

export const StandardRequest = {
  getStatus: 0x00,
  clearFeature: 0x01,
  setFeature: 0x03,
  setAddress: 0x05,
  getDescriptor: 0x06,
  getConfiguration: 0x08,
  setConfiguration: 0x09,
  getInterface: 0x0a,
  setInterface: 0x0b,
} as const;

export const HidRequest = {
  getReport: 0x01,
  getIdle: 0x02,
  getProtocol: 0x03,
  setReport: 0x09,
  setIdle: 0x0a,
  setProtocol: 0x0b,
} as const;

export const HidReportType = { input: 1, output: 2, feature: 3 } as const;

export function parseSetup(bytes: Uint8Array): SetupPacket {
  const setup = SetupPacketLayout.decode(bytes);
  return {
    requestType: setup.bmRequestType,
    request: setup.bRequest,
    value: setup.wValue,
    index: setup.wIndex,
    length: setup.wLength,
  };
}

export const isDeviceToHost = (setup: SetupPacket): boolean =>
  (setup.requestType & RequestType.directionIn) !== 0;

/** An IN answer never exceeds wLength (the host asked for at most that many bytes). */
export function answer(setup: SetupPacket, data: Uint8Array): ControlResult {
  return { status: 'ok', data: data.length > setup.length ? data.subarray(0, setup.length) : data };
}
