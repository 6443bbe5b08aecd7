/**
 * Chapter 9 standard requests, answered locally from the cached descriptors: enumeration never waits
 * on the network round trip to the sharer.
 */
import {
  answer,
  CONTROL_OK,
  CONTROL_STALL,
  type ControlResult,
  RequestType,
  type SetupPacket,
  StandardRequest,
} from './control.ts';
import { DescriptorType } from './descriptor-layouts.ts';
import { CONFIGURATION_VALUE, HID_INTERFACE_NUMBER, type HidUsbDescriptors } from './hid-usb-descriptors.ts';

/** The mutable chapter 9 state of the emulated device. */
export interface StandardState {
  configuration: number;
}

const ENDPOINT_HALT = 0;
const TWO_ZERO_BYTES = new Uint8Array(2);

export function handleStandardRequest(
  setup: SetupPacket,
  descriptors: HidUsbDescriptors,
  state: StandardState,
): ControlResult {
  const recipient = setup.requestType & RequestType.recipientMask;
  switch (setup.request) {
    case StandardRequest.getDescriptor:
      return getDescriptor(setup, descriptors, recipient);
    case StandardRequest.getStatus:
      // Bus powered, no remote wakeup, no halted endpoint: all status words are zero.
      return answer(setup, TWO_ZERO_BYTES);
    case StandardRequest.setAddress:
      return CONTROL_OK;
    case StandardRequest.getConfiguration:
      return answer(setup, Uint8Array.of(state.configuration));
    case StandardRequest.setConfiguration:
      return setConfiguration(setup.value & 0xff, state);
    case StandardRequest.getInterface:
      return setup.index === HID_INTERFACE_NUMBER ? answer(setup, Uint8Array.of(0)) : CONTROL_STALL;
    case StandardRequest.setInterface:
      return setup.index === HID_INTERFACE_NUMBER && setup.value === 0 ? CONTROL_OK : CONTROL_STALL;
    case StandardRequest.clearFeature:
    case StandardRequest.setFeature:
      // Only ENDPOINT_HALT exists here; it is accepted and has nothing to clear.
      return recipient === RequestType.endpoint && setup.value === ENDPOINT_HALT ? CONTROL_OK : CONTROL_STALL;
    default:
      return CONTROL_STALL;
  }
}

export function setConfiguration(value: number, state: StandardState): ControlResult {
  if (value !== 0 && value !== CONFIGURATION_VALUE) return CONTROL_STALL;
  state.configuration = value;
  return CONTROL_OK;
}

function getDescriptor(setup: SetupPacket, descriptors: HidUsbDescriptors, recipient: number): ControlResult {
  const type = setup.value >> 8;
  const index = setup.value & 0xff;
  const found =
    recipient === RequestType.interface
      ? interfaceDescriptor(type, setup.index, descriptors)
      : deviceLevel(type, index, descriptors);
  return found === undefined ? CONTROL_STALL : answer(setup, found);
}

function deviceLevel(type: number, index: number, descriptors: HidUsbDescriptors): Uint8Array | undefined {
  switch (type) {
    case DescriptorType.device:
      return descriptors.device;
    case DescriptorType.configuration:
      return index === 0 ? descriptors.configuration : undefined;
    case DescriptorType.string:
      return descriptors.strings.get(index);
    default:
      // DEVICE_QUALIFIER and OTHER_SPEED must stall on a full-speed-only device.
      return undefined;
  }
}

function interfaceDescriptor(
  type: number,
  interfaceNumber: number,
  descriptors: HidUsbDescriptors,
): Uint8Array | undefined {
  if (interfaceNumber !== HID_INTERFACE_NUMBER) return undefined;
  if (type === DescriptorType.hid) return descriptors.hid;
  if (type === DescriptorType.report) return descriptors.report;
  return undefined;
}
