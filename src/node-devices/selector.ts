/**
 * Which device `ferry share <selector>` means (docs/share.md, "Choosing devices"):
 *
 *   [hid:|usb:]VID:PID[:SERIAL]   ids in hex (1–4 digits), e.g. 046d:c52b; the serial as `ferry list` prints it
 *   [hid:]/dev/hidrawN            a HID device by its path (`hid:PATH` for any path node-hid lists)
 *   usb:BUS-ADDR                  a USB device by libusb bus number and device address, e.g. usb:1-4
 *
 * Without a prefix a VID:PID shares a HID device when one matches, and a USB device otherwise (a USB
 * mouse is in both lists). Parsing and matching are pure; malformed input is a ShareSelectorError.
 */
import { type DeviceInfo, idsOf, nameOf, placeOf } from './device-info.ts';

export type ShareSelectorErrorCode = 'malformed' | 'no-match' | 'ambiguous';

export class ShareSelectorError extends Error {
  override readonly name = 'ShareSelectorError';
  constructor(
    readonly code: ShareSelectorErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type Backend = 'hid' | 'usb';

export type DeviceSelector =
  | {
      readonly kind: 'ids';
      readonly backend: Backend | undefined;
      readonly vendorId: number;
      readonly productId: number;
      readonly serial: string | undefined;
      readonly text: string;
    }
  | { readonly kind: 'path'; readonly path: string; readonly text: string }
  | { readonly kind: 'usb-address'; readonly bus: number; readonly address: number; readonly text: string };

export const SELECTOR_FORMS = 'VID:PID, VID:PID:SERIAL, /dev/hidrawN or usb:BUS-ADDR (ferry list shows them)';

const IDS = /^(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})(?::(.+))?$/i;
const USB_ADDRESS = /^(\d{1,3})-(\d{1,3})$/;
/** libusb bus numbers and USB device addresses fit in a byte; addresses are 1–127. */
const MAX_BUS = 255;
const MAX_ADDRESS = 127;

/** Splits off a `hid:` or `usb:` prefix (either case). */
function prefixOf(text: string): { backend: Backend | undefined; rest: string } {
  const match = /^(hid|usb):/i.exec(text);
  if (match === null) return { backend: undefined, rest: text };
  return { backend: match[1]!.toLowerCase() as Backend, rest: text.slice(match[0].length) };
}

function malformed(text: string): ShareSelectorError {
  return new ShareSelectorError('malformed', `"${text}" is not a device: expected ${SELECTOR_FORMS}`);
}

/** Throws ShareSelectorError('malformed') for anything that is not one of the forms above. */
export function parseSelector(text: string): DeviceSelector {
  const { backend, rest } = prefixOf(text);
  if (rest.startsWith('/')) {
    if (backend === 'usb' || rest.length === 1) throw malformed(text);
    return { kind: 'path', path: rest, text };
  }
  const address = USB_ADDRESS.exec(rest);
  if (address !== null && backend === 'usb') {
    const bus = Number(address[1]);
    const device = Number(address[2]);
    if (bus > MAX_BUS || device < 1 || device > MAX_ADDRESS) throw malformed(text);
    return { kind: 'usb-address', bus, address: device, text };
  }
  const ids = IDS.exec(rest);
  // After `hid:`, anything else is a path as node-hid gives it (macOS and Windows paths do not start with /).
  if (ids === null && backend === 'hid' && rest !== '') return { kind: 'path', path: rest, text };
  if (ids === null) throw malformed(text);
  return {
    kind: 'ids',
    backend,
    vendorId: Number.parseInt(ids[1]!, 16),
    productId: Number.parseInt(ids[2]!, 16),
    serial: ids[3],
    text,
  };
}

/** True when `text` parses as a selector. */
export function isSelector(text: string): boolean {
  try {
    parseSelector(text);
    return true;
  } catch (error) {
    if (error instanceof ShareSelectorError) return false;
    throw error;
  }
}

function matchesIds(selector: Extract<DeviceSelector, { kind: 'ids' }>, device: DeviceInfo): boolean {
  if (selector.backend !== undefined && device.backend !== selector.backend) return false;
  if (device.vendorId !== selector.vendorId || device.productId !== selector.productId) return false;
  return selector.serial === undefined || device.serial === selector.serial;
}

/** Every listed device `selector` names (before the HID-first rule). */
function candidates(selector: DeviceSelector, devices: readonly DeviceInfo[]): DeviceInfo[] {
  switch (selector.kind) {
    case 'path':
      return devices.filter((d) => d.backend === 'hid' && d.path === selector.path);
    case 'usb-address':
      return devices.filter(
        (d) => d.backend === 'usb' && d.bus === selector.bus && d.address === selector.address,
      );
    case 'ids': {
      const found = devices.filter((d) => matchesIds(selector, d));
      // No prefix: HID when a HID device matches (the same mouse is also in libusb's list).
      const hid = found.filter((d) => d.backend === 'hid');
      return selector.backend === undefined && hid.length > 0 ? hid : found;
    }
  }
}

/** A device's own strings, with no control character or line break to reach the terminal. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** One line per device, as the errors below list them. */
export function describeDevice(device: DeviceInfo): string {
  const name = nameOf(device);
  const serial = device.serial === '' ? '' : ` serial ${device.serial}`;
  return printable(
    `${device.backend} ${idsOf(device)} ${placeOf(device)}${name === '' ? '' : ` ${name}`}${serial}`,
  );
}

function listing(devices: readonly DeviceInfo[]): string {
  if (devices.length === 0) return 'no HID or USB devices are connected (or none this user may open)';
  return `there are: ${devices.map(describeDevice).join('; ')}`;
}

/**
 * The one device `selector` names. Throws ShareSelectorError: `no-match` (listing what there is) or
 * `ambiguous` (listing the candidates, and how to pick one).
 */
export function matchSelector(selector: DeviceSelector, devices: readonly DeviceInfo[]): DeviceInfo {
  const found = candidates(selector, devices);
  if (found.length === 1) return found[0]!;
  if (found.length === 0)
    throw new ShareSelectorError('no-match', `no device matches ${selector.text}: ${listing(devices)}`);
  throw new ShareSelectorError(
    'ambiguous',
    `${selector.text} matches ${found.length} devices; name one by its path (or add its serial): ${found.map(describeDevice).join('; ')}`,
  );
}

/**
 * The selector that names `device` among `devices` most plainly: `hid:VID:PID` or `usb:VID:PID` when
 * the ids are unique in their list, else with the serial when that is unique, else its path.
 */
export function selectorFor(device: DeviceInfo, devices: readonly DeviceInfo[]): string {
  const place = placeOf(device);
  const plain = `${device.backend}:${idsOf(device)}`;
  const serial = device.serial === '' ? undefined : `${plain}:${device.serial}`;
  const path = device.backend === 'hid' && !place.startsWith('/') ? `hid:${place}` : place;
  for (const text of [plain, serial, path]) {
    if (text === undefined) continue;
    const selector = parseSelector(text);
    if (candidates(selector, devices).length === 1) return text;
  }
  return path;
}

/** Resolves each selector to its device; the same device named twice is a usage error too. */
export function matchSelectors(texts: readonly string[], devices: readonly DeviceInfo[]): DeviceInfo[] {
  const chosen: DeviceInfo[] = [];
  for (const text of texts) {
    const device = matchSelector(parseSelector(text), devices);
    if (chosen.includes(device))
      throw new ShareSelectorError('ambiguous', `${text} names ${describeDevice(device)} again`);
    chosen.push(device);
  }
  return chosen;
}
