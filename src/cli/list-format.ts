/**
 * What `ferry list` prints, as pure functions of plain device infos (tests/unit/cli/list-format.test.ts):
 * a header and one aligned line per device, or one line saying there is none; `--json` an array.
 * The PATH column is itself a selector for `ferry share` (`/dev/hidrawN`, `usb:BUS-ADDR`).
 */
import { usageName } from '../hid/index.ts';
import {
  type DeviceInfo,
  hex4,
  idsOf,
  nameOf,
  placeOf,
  printable,
  selectorFor,
  type UsbDeviceInfo,
} from '../node-devices/index.ts';

export const NO_DEVICES_LINE = 'no HID or USB devices found (or none this user may open)';

/** USB-IF base class codes, by the names lsusb gives them (usb.org "Defined Class Codes"). */
const USB_CLASS_NAMES: ReadonlyMap<number, string> = new Map([
  [0x01, 'audio'],
  [0x02, 'communications'],
  [0x03, 'HID'],
  [0x05, 'physical'],
  [0x06, 'image'],
  [0x07, 'printer'],
  [0x08, 'mass storage'],
  [0x09, 'hub'],
  [0x0a, 'CDC data'],
  [0x0b, 'smart card'],
  [0x0d, 'content security'],
  [0x0e, 'video'],
  [0x0f, 'personal healthcare'],
  [0x10, 'audio/video'],
  [0x11, 'billboard'],
  [0x12, 'USB-C bridge'],
  [0xdc, 'diagnostic'],
  [0xe0, 'wireless controller'],
  [0xef, 'miscellaneous'],
  [0xfe, 'application specific'],
  [0xff, 'vendor specific'],
]);

const hex2 = (value: number) => value.toString(16).padStart(2, '0');

export function usbClassName(code: number): string {
  return `${hex2(code)} ${USB_CLASS_NAMES.get(code) ?? 'unknown'}`;
}

/** The device's class, or its interfaces' when the device leaves it to them (bDeviceClass 0 or 0xef). */
function usbClassColumn(device: UsbDeviceInfo): string {
  const perInterface = device.deviceClass === 0x00 || device.deviceClass === 0xef;
  if (!perInterface || device.interfaceClasses.length === 0)
    return `class ${usbClassName(device.deviceClass)}`;
  return `interfaces ${device.interfaceClasses.map(usbClassName).join(', ')}`;
}

/** HID: each top-level usage, as page:usage in hex and its name; USB: the class. */
export function kindColumn(device: DeviceInfo): string {
  if (device.backend === 'usb') return usbClassColumn(device);
  if (device.usages.length === 0) return '-';
  return device.usages
    .map(({ usagePage, usage }) => `${hex4(usagePage)}:${hex4(usage)} ${usageName(usage, usagePage)}`)
    .join(', ');
}

const HEADER = ['BACKEND', 'VID:PID', 'NAME', 'SERIAL', 'PATH', 'USAGE/CLASS'] as const;

function cellsOf(device: DeviceInfo): string[] {
  return [
    device.backend,
    idsOf(device),
    printable(nameOf(device)) || '-',
    printable(device.serial) || '-',
    printable(placeOf(device)),
    kindColumn(device),
  ];
}

/** The lines `ferry list` prints: a header and one line per device, columns aligned; or NO_DEVICES_LINE. */
export function formatDeviceList(devices: readonly DeviceInfo[]): string[] {
  if (devices.length === 0) return [NO_DEVICES_LINE];
  const rows = [[...HEADER], ...devices.map(cellsOf)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** `ferry list --json`: each device's fields, plus its ids, name, path and the plainest selector. */
export function deviceListJson(devices: readonly DeviceInfo[]): string {
  return JSON.stringify(
    devices.map((device) => ({
      ...device,
      ids: idsOf(device),
      name: nameOf(device),
      path: placeOf(device),
      selector: selectorFor(device, devices),
    })),
    null,
    2,
  );
}
