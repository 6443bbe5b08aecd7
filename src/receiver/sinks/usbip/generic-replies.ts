/** USB/IP devlist and import entries for a generic device: its own class, speed and interfaces. */
import type { UsbDescriptorSet } from '../../../protocol/index.ts';
import { fixedString } from '../usb/struct.ts';
import { UsbipDevice, UsbipInterface } from './layouts.ts';

/** Linux `enum usb_device_speed`. */
const Speed = { full: 2, high: 3 } as const;

export interface GenericExportInfo {
  readonly busId: string;
  readonly busnum: number;
  readonly devnum: number;
  readonly path: string;
  readonly descriptors: UsbDescriptorSet;
  readonly activeConfiguration: number;
}

/** WebUSB does not say the speed: a 512-byte bulk endpoint exists only at high speed. */
function speedOf(descriptors: UsbDescriptorSet): number {
  const highSpeedBulk = descriptors.configurations.some((c) =>
    c.interfaces.some((i) =>
      i.alternates.some((a) => a.endpoints.some((e) => e.kind === 'bulk' && e.packetSize === 512)),
    ),
  );
  return highSpeedBulk ? Speed.high : Speed.full;
}

export function genericDeviceEntry(info: GenericExportInfo): Uint8Array {
  const { device } = info.descriptors;
  return UsbipDevice.encode({
    path: fixedString.encode(info.path),
    busId: fixedString.encode(info.busId),
    busnum: info.busnum,
    devnum: info.devnum,
    speed: speedOf(info.descriptors),
    idVendor: device.vendorId,
    idProduct: device.productId,
    bcdDevice: device.bcdDevice,
    bDeviceClass: device.deviceClass,
    bDeviceSubClass: device.deviceSubclass,
    bDeviceProtocol: device.deviceProtocol,
    bConfigurationValue: info.activeConfiguration,
    bNumConfigurations: device.configurationCount,
    bNumInterfaces: info.descriptors.configuration(info.activeConfiguration)?.interfaces.length ?? 0,
  });
}

/** One usbip_usb_interface per interface of the active configuration (its first alternate, as usbipd does). */
export function genericInterfaceEntries(info: GenericExportInfo): Uint8Array[] {
  const interfaces = info.descriptors.configuration(info.activeConfiguration)?.interfaces ?? [];
  return interfaces.map((iface) => {
    const first = iface.alternates[0];
    return UsbipInterface.encode({
      bInterfaceClass: first?.interfaceClass ?? 0,
      bInterfaceSubClass: first?.interfaceSubclass ?? 0,
      bInterfaceProtocol: first?.interfaceProtocol ?? 0,
      padding: 0,
    });
  });
}
