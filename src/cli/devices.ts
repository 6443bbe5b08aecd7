/**
 * The machine's devices for `ferry list` and `ferry share <selector>`: HID first, then USB, each in a
 * stable order. A backend that cannot load (its native addon) is a problem named, not the end of the
 * other's list.
 */
import {
  type DeviceInfo,
  type HidDeviceInfo,
  listHidDevices,
  listUsbDevices,
  NativeModuleError,
  type UsbDeviceInfo,
} from '../node-devices/index.ts';

export interface DeviceListing {
  readonly devices: DeviceInfo[];
  /** One sentence per backend that could not list its devices. */
  readonly problems: string[];
  /** node-hid could not load: a bare VID:PID cannot tell whether a HID device was meant. */
  readonly hidMissing: boolean;
}

/** `/dev/hidraw2` before `/dev/hidraw10`. */
const byPath = (a: HidDeviceInfo, b: HidDeviceInfo) => a.path.localeCompare(b.path, 'en', { numeric: true });
const byAddress = (a: UsbDeviceInfo, b: UsbDeviceInfo) => a.bus - b.bus || a.address - b.address;

async function attempt<T>(list: () => Promise<T[]>, problems: string[]): Promise<T[]> {
  try {
    return await list();
  } catch (error) {
    if (!(error instanceof NativeModuleError)) throw error;
    problems.push(error.message);
    return [];
  }
}

export async function listDevices(): Promise<DeviceListing> {
  const problems: string[] = [];
  const hid = (await attempt(listHidDevices, problems)).sort(byPath);
  const hidMissing = problems.length > 0;
  const usb = (await attempt(listUsbDevices, problems)).sort(byAddress);
  return { devices: [...hid, ...usb], problems, hidMissing };
}
