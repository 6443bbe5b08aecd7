/** The unsolicited packets that describe the device to the usb-guest: ep_info, interface_info, device_connect. */
import type { HidUsbDescriptors, InterruptEndpoint } from '../usb/hid-usb-descriptors.ts';
import { FULL_SPEED_MAX_PACKET, HID_INTERFACE_NUMBER, USB_CLASS_HID } from '../usb/hid-usb-descriptors.ts';
import {
  DEVICE_CONNECT_SIZE_WITHOUT_VERSION,
  DeviceConnectHeader,
  EP_INFO_SIZE_WITHOUT_MAX_PACKET,
  EpInfoHeader,
  InterfaceInfoHeader,
} from './layouts.ts';
import { EndpointType, Speed } from './protocol.ts';

/** OUT endpoints 0-15 take slots 0-15, IN endpoints slots 16-31 (QEMU's USBEP2I). */
const endpointSlot = (address: number): number => ((address & 0x80) >> 3) | (address & 0x0f);

interface EndpointSlots {
  readonly type: Uint8Array;
  readonly interval: Uint8Array;
  readonly interface: Uint8Array;
  readonly maxPacketSize: Uint8Array;
}

function setSlot(slots: EndpointSlots, address: number, type: number, endpoint?: InterruptEndpoint): void {
  const slot = endpointSlot(address);
  const maxPacketSize = endpoint?.maxPacketSize ?? FULL_SPEED_MAX_PACKET;
  slots.type[slot] = type;
  slots.interval[slot] = endpoint?.interval ?? 0;
  slots.interface[slot] = HID_INTERFACE_NUMBER;
  // max_packet_size is u16le[32].
  slots.maxPacketSize[slot * 2] = maxPacketSize & 0xff;
  slots.maxPacketSize[slot * 2 + 1] = maxPacketSize >> 8;
}

export function epInfoHeader(descriptors: HidUsbDescriptors, withMaxPacketSize: boolean): Uint8Array {
  const slots: EndpointSlots = {
    type: new Uint8Array(32).fill(EndpointType.invalid),
    interval: new Uint8Array(32),
    interface: new Uint8Array(32),
    maxPacketSize: new Uint8Array(64),
  };
  setSlot(slots, 0x00, EndpointType.control);
  setSlot(slots, 0x80, EndpointType.control);
  setSlot(slots, descriptors.interruptIn.address, EndpointType.interrupt, descriptors.interruptIn);
  const out = descriptors.interruptOut;
  if (out !== undefined) setSlot(slots, out.address, EndpointType.interrupt, out);
  const encoded = EpInfoHeader.encode(slots);
  return withMaxPacketSize ? encoded : encoded.subarray(0, EP_INFO_SIZE_WITHOUT_MAX_PACKET);
}

export function interfaceInfoHeader(): Uint8Array {
  return InterfaceInfoHeader.encode({
    interfaceCount: 1,
    interface: Uint8Array.of(HID_INTERFACE_NUMBER),
    interfaceClass: Uint8Array.of(USB_CLASS_HID),
    interfaceSubclass: Uint8Array.of(0),
    interfaceProtocol: Uint8Array.of(0),
  });
}

export function deviceConnectHeader(descriptors: HidUsbDescriptors, withVersion: boolean): Uint8Array {
  const encoded = DeviceConnectHeader.encode({
    speed: Speed.full,
    deviceClass: 0,
    deviceSubclass: 0,
    deviceProtocol: 0,
    vendorId: descriptors.vendorId,
    productId: descriptors.productId,
    deviceVersionBcd: descriptors.bcdDevice,
  });
  return withVersion ? encoded : encoded.subarray(0, DEVICE_CONNECT_SIZE_WITHOUT_VERSION);
}
