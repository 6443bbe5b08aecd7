/**
 * ep_info, interface_info and device_connect for a shared generic USB device (docs/webusb.md): its
 * own class, ids, speed and, for the active configuration and the selected alternates, its interfaces
 * and endpoints. Unconfigured, only endpoint 0 exists.
 */
import type { UsbAlternateInfo, UsbDescriptorSet } from '../../../protocol/index.ts';
import {
  DEVICE_CONNECT_SIZE_WITHOUT_VERSION,
  DeviceConnectHeader,
  EP_INFO_SIZE_WITHOUT_MAX_PACKET,
  EpInfoHeader,
  InterfaceInfoHeader,
} from './layouts.ts';
import { EndpointType, Speed } from './protocol.ts';

const endpointSlot = (address: number): number => ((address & 0x80) >> 3) | (address & 0x0f);

const TYPE_OF = {
  control: EndpointType.control,
  isochronous: EndpointType.iso,
  bulk: EndpointType.bulk,
  interrupt: EndpointType.interrupt,
} as const;

/** WebUSB does not say the speed: a 512-byte bulk endpoint exists only at high speed (as the USB/IP export). */
export function genericSpeed(descriptors: UsbDescriptorSet): number {
  const highSpeedBulk = descriptors.configurations.some((c) =>
    c.interfaces.some((i) =>
      i.alternates.some((a) => a.endpoints.some((e) => e.kind === 'bulk' && e.packetSize === 512)),
    ),
  );
  return highSpeedBulk ? Speed.high : Speed.full;
}

/** The selected alternate of every interface of `configuration` (alternate 0 unless `alternates` says). */
export function selectedAlternates(
  descriptors: UsbDescriptorSet,
  configuration: number,
  alternates: ReadonlyMap<number, number>,
): UsbAlternateInfo[] {
  const interfaces = descriptors.configuration(configuration)?.interfaces ?? [];
  return interfaces.flatMap((iface) => {
    const wanted = alternates.get(iface.interfaceNumber) ?? 0;
    const alternate = iface.alternates.find((a) => a.alternateSetting === wanted) ?? iface.alternates[0];
    return alternate === undefined ? [] : [alternate];
  });
}

export function genericEpInfoHeader(
  selected: readonly UsbAlternateInfo[],
  maxPacketSize0: number,
  withMaxPacketSize: boolean,
): Uint8Array {
  const slots = {
    type: new Uint8Array(32).fill(EndpointType.invalid),
    interval: new Uint8Array(32),
    interface: new Uint8Array(32),
    maxPacketSize: new Uint8Array(64),
  };
  const set = (address: number, type: number, interval: number, iface: number, packetSize: number) => {
    const slot = endpointSlot(address);
    slots.type[slot] = type;
    slots.interval[slot] = interval;
    slots.interface[slot] = iface;
    slots.maxPacketSize[slot * 2] = packetSize & 0xff;
    slots.maxPacketSize[slot * 2 + 1] = packetSize >> 8;
  };
  set(0x00, EndpointType.control, 0, 0, maxPacketSize0);
  set(0x80, EndpointType.control, 0, 0, maxPacketSize0);
  for (const alternate of selected) {
    for (const endpoint of alternate.endpoints) {
      const type = TYPE_OF[endpoint.kind];
      set(endpoint.address, type, endpoint.interval, alternate.interfaceNumber, endpoint.packetSize);
    }
  }
  const encoded = EpInfoHeader.encode(slots);
  return withMaxPacketSize ? encoded : encoded.subarray(0, EP_INFO_SIZE_WITHOUT_MAX_PACKET);
}

export function genericInterfaceInfoHeader(selected: readonly UsbAlternateInfo[]): Uint8Array {
  const field = (pick: (alternate: UsbAlternateInfo) => number) => {
    const bytes = new Uint8Array(32);
    selected.slice(0, 32).forEach((alternate, i) => {
      bytes[i] = pick(alternate);
    });
    return bytes;
  };
  return InterfaceInfoHeader.encode({
    interfaceCount: Math.min(selected.length, 32),
    interface: field((a) => a.interfaceNumber),
    interfaceClass: field((a) => a.interfaceClass),
    interfaceSubclass: field((a) => a.interfaceSubclass),
    interfaceProtocol: field((a) => a.interfaceProtocol),
  });
}

export function genericDeviceConnectHeader(descriptors: UsbDescriptorSet, withVersion: boolean): Uint8Array {
  const { device } = descriptors;
  const encoded = DeviceConnectHeader.encode({
    speed: genericSpeed(descriptors),
    deviceClass: device.deviceClass,
    deviceSubclass: device.deviceSubclass,
    deviceProtocol: device.deviceProtocol,
    vendorId: device.vendorId,
    productId: device.productId,
    deviceVersionBcd: device.bcdDevice,
  });
  return withVersion ? encoded : encoded.subarray(0, DEVICE_CONNECT_SIZE_WITHOUT_VERSION);
}
