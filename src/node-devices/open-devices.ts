/**
 * Opens the devices `ferry share <selector>` chose: a HID device through node-hid with its report
 * descriptor from sysfs (NodeHidSource), a USB device through libusb as node-usb's WebUSB-shaped
 * device (WebUsbSource, the same source a page's WebUSB device gets).
 */
import type { Device as UsbDevice } from 'usb';
import { type UsbEvents, WebUsbSource } from '../devices/index.ts';
import { isHidDescriptorError } from '../hid/index.ts';
import { releaseBeforeConfigurationChange } from './configuration-change.ts';
import { type HidDeviceInfo, idsOf, nameOf, placeOf, type UsbDeviceInfo } from './device-info.ts';
import { readHidrawDescriptor } from './hidraw-descriptor.ts';
import { loadNodeHid, loadNodeUsb } from './native-modules.ts';
import { type HidHandle, NodeHidSource } from './node-hid-source.ts';
import { usbDevicesNow } from './usb-devices.ts';

/** A chosen device that cannot be opened (permissions, busy, gone, a descriptor that does not parse). */
export class DeviceOpenError extends Error {
  override readonly name = 'DeviceOpenError';
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function openHidDevice(info: HidDeviceInfo): Promise<NodeHidSource> {
  const reportDescriptor = await readHidrawDescriptor(info.path).catch((error: unknown) => {
    throw new DeviceOpenError(reasonOf(error), { cause: error });
  });
  const hid = await loadNodeHid();
  const handle = await hid.HIDAsync.open(info.path).catch((error: unknown) => {
    throw new DeviceOpenError(`cannot open ${info.path}: ${reasonOf(error)}`, { cause: error });
  });
  try {
    return new NodeHidSource(handle as unknown as HidHandle, {
      vendorId: info.vendorId,
      productId: info.productId,
      productName: info.product || nameOf(info) || `HID device ${idsOf(info)}`,
      reportDescriptor,
    });
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (isHidDescriptorError(error))
      throw new DeviceOpenError(`the report descriptor of ${info.path} does not parse: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
}

/** `navigator.usb`'s disconnect event for one device, from libusb's hotplug `detach`. */
function detachEvents(
  usb: Awaited<ReturnType<typeof loadNodeUsb>>,
  target: UsbDevice,
  device: USBDevice,
): UsbEvents {
  const listeners = new Set<(event: Event) => void>();
  const onDetach = (gone: UsbDevice) => {
    if (gone.busNumber !== target.busNumber || gone.deviceAddress !== target.deviceAddress) return;
    for (const listener of [...listeners]) listener({ type: 'disconnect', device } as unknown as Event);
  };
  return {
    addEventListener(_type, listener) {
      if (listeners.size === 0) usb.usb.on('detach', onDetach);
      listeners.add(listener);
    },
    removeEventListener(_type, listener) {
      listeners.delete(listener);
      if (listeners.size === 0) usb.usb.off('detach', onDetach);
    },
  };
}

export async function openUsbDevice(info: UsbDeviceInfo): Promise<WebUsbSource> {
  const usb = await loadNodeUsb();
  const place = placeOf(info);
  const device = (await usbDevicesNow()).find(
    (d) => d.busNumber === info.bus && d.deviceAddress === info.address,
  );
  if (device === undefined) throw new DeviceOpenError(`${place} is gone`);
  try {
    // autoDetachKernelDriver: claiming an interface a kernel driver holds detaches it (reattached on close).
    const webDevice = releaseBeforeConfigurationChange(
      await usb.WebUSBDevice.createInstance(device, true),
      device,
    );
    return await WebUsbSource.open(webDevice, { usb: detachEvents(usb, device, webDevice) });
  } catch (error) {
    throw new DeviceOpenError(`cannot open ${place} (${idsOf(info)}): ${reasonOf(error)}`, { cause: error });
  }
}
