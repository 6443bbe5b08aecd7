/** Chapter 9 standard requests as a simulated device answers them (USB 2.0 §9.4). */
import { type UsbDescriptorEntry, UsbDescriptorType, type UsbSetup } from '../../../protocol/index.ts';
import type { FunctionResult } from '../usb-function.ts';

export interface StandardRequestTarget {
  readonly descriptors: readonly UsbDescriptorEntry[];
  readonly configurationValue: number;
  readonly alternateSetting: number;
  readonly halted: ReadonlySet<number>;
  setConfiguration(value: number): boolean;
  setAlternate(interfaceNumber: number, alternateSetting: number): boolean;
  clearHalt(endpoint: number): void;
  readonly halt?: (endpoint: number) => void;
}

const Request = {
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
const RECIPIENT_ENDPOINT = 0x02;
const ENDPOINT_HALT = 0;
const SELF_POWERED_STATUS = 0x01;

const STALL: FunctionResult = { status: 'stall' };
const DONE: FunctionResult = { status: 'ok', bytesWritten: 0 };

/** An IN answer never exceeds wLength. */
const answer = (setup: UsbSetup, data: Uint8Array): FunctionResult => ({
  status: 'ok',
  data: data.subarray(0, setup.length),
});

export function handleStandardRequest(setup: UsbSetup, target: StandardRequestTarget): FunctionResult {
  switch (setup.request) {
    case Request.getDescriptor:
      return getDescriptor(setup, target.descriptors);
    case Request.getStatus:
      return getStatus(setup, target);
    case Request.setAddress:
      return DONE;
    case Request.getConfiguration:
      return answer(setup, Uint8Array.of(target.configurationValue));
    case Request.setConfiguration:
      return target.setConfiguration(setup.value & 0xff) ? DONE : STALL;
    case Request.getInterface:
      return target.configurationValue === 0 ? STALL : answer(setup, Uint8Array.of(target.alternateSetting));
    case Request.setInterface:
      return target.setAlternate(setup.index & 0xff, setup.value & 0xff) ? DONE : STALL;
    case Request.clearFeature:
    case Request.setFeature:
      return endpointHalt(setup, target);
    default:
      return STALL;
  }
}

function getDescriptor(setup: UsbSetup, descriptors: readonly UsbDescriptorEntry[]): FunctionResult {
  const type = setup.value >> 8;
  const index = setup.value & 0xff;
  const found = descriptors.find(
    (entry) =>
      entry.type === type &&
      entry.index === index &&
      (type !== UsbDescriptorType.string || index === 0 || entry.langId === setup.index),
  );
  return found === undefined ? STALL : answer(setup, found.bytes);
}

function getStatus(setup: UsbSetup, target: StandardRequestTarget): FunctionResult {
  const recipient = setup.requestType & 0x1f;
  if (recipient === RECIPIENT_ENDPOINT) {
    return answer(setup, Uint8Array.of(target.halted.has(setup.index & 0xff) ? 1 : 0, 0));
  }
  return answer(setup, Uint8Array.of(recipient === 0 ? SELF_POWERED_STATUS : 0, 0));
}

function endpointHalt(setup: UsbSetup, target: StandardRequestTarget): FunctionResult {
  if ((setup.requestType & 0x1f) !== RECIPIENT_ENDPOINT || setup.value !== ENDPOINT_HALT) return STALL;
  const endpoint = setup.index & 0xff;
  if (setup.request === Request.clearFeature) target.clearHalt(endpoint);
  else target.halt?.(endpoint);
  return DONE;
}
