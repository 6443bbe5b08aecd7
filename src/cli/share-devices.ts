/**
 * `ferry share <selector>…`: finds the devices the selectors name among this machine's (a usage error,
 * listing what there is, when one matches nothing or several) and opens them as live sources.
 */
import type { HidSource } from '../devices/index.ts';
import {
  type DeviceInfo,
  DeviceOpenError,
  describeDevice,
  matchSelectors,
  NativeModuleError,
  openHidDevice,
  openUsbDevice,
  parseSelector,
  ShareSelectorError,
} from '../node-devices/index.ts';
import { EXIT_CODES } from '../receiver/receive.ts';
import { type ClosableUsbSource, liveDevices, type SharedDevices } from '../sharer/index.ts';
import { listDevices } from './devices.ts';
import { fail } from './fail.ts';

/** The listed devices the selectors name; exits with a usage error when they do not name them. */
async function chosenDevices(selectors: readonly string[]): Promise<DeviceInfo[]> {
  const { devices, problems, hidMissing } = await listDevices();
  // Without node-hid a bare VID:PID would fall to libusb, which takes a HID device from its kernel driver.
  const bare = selectors.find((text) => {
    const selector = parseSelector(text);
    return selector.kind === 'ids' && selector.backend === undefined;
  });
  if (hidMissing && bare !== undefined)
    fail(EXIT_CODES.usage, `${problems[0]}; to share ${bare} as a generic USB device, write usb:${bare}`);
  try {
    return matchSelectors(selectors, devices);
  } catch (error) {
    if (!(error instanceof ShareSelectorError)) throw error;
    // A backend that could not load may hold the missing device: say so.
    const why = problems.map((problem) => `; ${problem}`).join('');
    fail(EXIT_CODES.usage, `${error.message}${why}`);
  }
}

async function openAll(chosen: readonly DeviceInfo[], err: (line: string) => void): Promise<SharedDevices> {
  const hid: HidSource[] = [];
  const usb: ClosableUsbSource[] = [];
  try {
    for (const device of chosen) {
      if (device.backend === 'hid') hid.push(await openHidDevice(device));
      else usb.push(await openUsbDevice(device));
      err(`ferry: opened ${describeDevice(device)}`);
    }
  } catch (error) {
    await Promise.all([...hid, ...usb].map((source) => source.close()));
    if (error instanceof DeviceOpenError || error instanceof NativeModuleError)
      fail(EXIT_CODES.failed, error.message);
    throw error;
  }
  return liveDevices(hid, usb);
}

/** Opens the devices `selectors` name, or ends the process with one line saying why not. */
export async function openSelectedDevices(
  selectors: readonly string[],
  err: (line: string) => void,
): Promise<SharedDevices> {
  return openAll(await chosenDevices(selectors), err);
}
