/**
 * SET_CONFIGURATION from a receiver, made possible through libusb. usbfs refuses it (EBUSY) while any
 * interface of the current configuration is claimed, by us or by a kernel driver (seen in the VM test:
 * "usbfs: interface 0 claimed by usbfs while 'node' sets config #2"; usbtest holds a Gadget Zero).
 * node-usb's WebUSBDevice.selectConfiguration does neither release nor detach, so before it we release
 * our claims (libusb's auto-detach then gives the interfaces back to their drivers) and detach whatever
 * driver holds an interface. WebUsbSource claims the new configuration's interfaces afterwards, and
 * auto-detach takes them from the drivers the kernel bound in between.
 */
import type { Device as LibusbDevice } from 'usb';

/** Drops the kernel driver of interface `index`, where the platform has such a thing (Linux). */
function detachKernelDriver(device: LibusbDevice, index: number): void {
  try {
    const iface = device.interface(index);
    if (iface.isKernelDriverActive()) iface.detachKernelDriver();
  } catch {
    // Not supported here (macOS, Windows) or no driver: nothing holds the interface.
  }
}

/** Wraps `web.selectConfiguration` (node-usb's WebUSBDevice over `device`) as described above. */
export function releaseBeforeConfigurationChange(web: USBDevice, device: LibusbDevice): USBDevice {
  const select = web.selectConfiguration.bind(web);
  web.selectConfiguration = async (value: number): Promise<void> => {
    const current = web.configuration;
    if (current !== null && current.configurationValue !== value) {
      for (const iface of current.interfaces) {
        if (iface.claimed) await web.releaseInterface(iface.interfaceNumber);
      }
      for (let index = 0; index < current.interfaces.length; index++) detachKernelDriver(device, index);
    }
    await select(value);
  };
  return web;
}
