/** The HID devices node-hid can open, as plain HidDeviceInfo (one per path, every usage it lists). */
import type { Device as NodeHidDevice } from 'node-hid';
import type { HidDeviceInfo, HidUsage } from './device-info.ts';
import { loadNodeHid } from './native-modules.ts';

/** hidapi lists a device once per top-level collection (same path): one entry, all its usages. */
export function hidDevicesFrom(listed: readonly NodeHidDevice[]): HidDeviceInfo[] {
  const byPath = new Map<string, { info: HidDeviceInfo; usages: HidUsage[] }>();
  for (const device of listed) {
    if (device.path === undefined) continue;
    const usage =
      device.usagePage === undefined || device.usage === undefined
        ? undefined
        : { usagePage: device.usagePage, usage: device.usage };
    const known = byPath.get(device.path);
    if (known !== undefined) {
      if (usage !== undefined) known.usages.push(usage);
      continue;
    }
    const usages = usage === undefined ? [] : [usage];
    const info: HidDeviceInfo = {
      backend: 'hid',
      vendorId: device.vendorId,
      productId: device.productId,
      manufacturer: device.manufacturer ?? '',
      product: device.product ?? '',
      serial: device.serialNumber ?? '',
      path: device.path,
      usages,
    };
    byPath.set(device.path, { info, usages });
  }
  return [...byPath.values()].map(({ info }) => info);
}

/** Every HID device node-hid lists on this machine. Rejects with NativeModuleError if it cannot load. */
export async function listHidDevices(): Promise<HidDeviceInfo[]> {
  const hid = await loadNodeHid();
  return hidDevicesFrom(await hid.devicesAsync());
}
