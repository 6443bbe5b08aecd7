/** The USB devices libusb can see (hubs left out: there is nothing to share in one), as UsbDeviceInfo. */
import type { Device as UsbDevice } from 'usb';
import type { UsbDeviceInfo } from './device-info.ts';
import { loadNodeUsb } from './native-modules.ts';

const HUB_CLASS = 0x09;

/** A string descriptor, or '' when the device has none or will not give it. */
function stringOf(device: UsbDevice, index: number): Promise<string> {
  if (index === 0) return Promise.resolve('');
  return new Promise((done) => {
    try {
      device.getStringDescriptor(index, (error, value) => done(error ? '' : (value ?? '')));
    } catch {
      done('');
    }
  });
}

/** Manufacturer, product and serial; all '' when the device cannot be opened (permissions, busy). */
async function stringsOf(
  device: UsbDevice,
): Promise<{ manufacturer: string; product: string; serial: string }> {
  const { iManufacturer, iProduct, iSerialNumber } = device.deviceDescriptor;
  try {
    device.open(false); // false: do not select a configuration, only read
  } catch {
    return { manufacturer: '', product: '', serial: '' };
  }
  try {
    return {
      manufacturer: await stringOf(device, iManufacturer),
      product: await stringOf(device, iProduct),
      serial: await stringOf(device, iSerialNumber),
    };
  } finally {
    device.close();
  }
}

function interfaceClassesOf(device: UsbDevice): number[] {
  let interfaces: ReadonlyArray<ReadonlyArray<{ bInterfaceClass: number }>> = [];
  try {
    interfaces = device.configDescriptor?.interfaces ?? [];
  } catch {
    // An unconfigured device has no active configuration to read.
  }
  return [...new Set(interfaces.flatMap((alternates) => alternates.map((a) => a.bInterfaceClass)))];
}

export async function usbDeviceInfo(device: UsbDevice): Promise<UsbDeviceInfo> {
  const descriptor = device.deviceDescriptor;
  return {
    backend: 'usb',
    vendorId: descriptor.idVendor,
    productId: descriptor.idProduct,
    ...(await stringsOf(device)),
    bus: device.busNumber,
    address: device.deviceAddress,
    deviceClass: descriptor.bDeviceClass,
    interfaceClasses: interfaceClassesOf(device),
  };
}

/** libusb's devices that are no hub. */
export async function usbDevicesNow(): Promise<UsbDevice[]> {
  const usb = await loadNodeUsb();
  return usb.getDeviceList().filter((device) => device.deviceDescriptor.bDeviceClass !== HUB_CLASS);
}

/** Every USB device (no hubs) on this machine. Rejects with NativeModuleError if `usb` cannot load. */
export async function listUsbDevices(): Promise<UsbDeviceInfo[]> {
  const infos: UsbDeviceInfo[] = [];
  for (const device of await usbDevicesNow()) infos.push(await usbDeviceInfo(device));
  return infos;
}
