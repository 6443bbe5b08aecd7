/**
 * USBDeviceRequestOptions (https://wicg.github.io/webusb/#dictdef-usbdevicerequestoptions): Chrome's
 * checks (blink usb.cc ConvertDeviceFilter) and matching (services/device/public/cpp/usb/usb_utils.cc).
 */
import { operationError } from './webidl.ts';

/** The device's own class and every interface alternate's class, in every configuration. */
function classesOf(device: USBDevice): Array<readonly [number, number, number]> {
  const own = [device.deviceClass, device.deviceSubclass, device.deviceProtocol] as const;
  const interfaces = device.configurations.flatMap((c) =>
    c.interfaces.flatMap((i) =>
      i.alternates.map((a) => [a.interfaceClass, a.interfaceSubclass, a.interfaceProtocol] as const),
    ),
  );
  return [own, ...interfaces];
}

export function usbFilterMatches(device: USBDevice, filter: USBDeviceFilter): boolean {
  if (filter.vendorId !== undefined && filter.vendorId !== device.vendorId) return false;
  if (filter.productId !== undefined && filter.productId !== device.productId) return false;
  if (filter.serialNumber !== undefined && filter.serialNumber !== device.serialNumber) return false;
  if (filter.classCode === undefined) return true;
  return classesOf(device).some(
    ([code, subclass, protocol]) =>
      code === filter.classCode &&
      (filter.subclassCode === undefined || subclass === filter.subclassCode) &&
      (filter.protocolCode === undefined || protocol === filter.protocolCode),
  );
}

export interface UsbRequestOptions {
  filters: USBDeviceFilter[];
  exclusionFilters: USBDeviceFilter[];
}

/** The options of `requestDevice(options)`, or the TypeError Chrome rejects with. */
export function usbRequestOptions(options: unknown): UsbRequestOptions | TypeError {
  const source = (typeof options === 'object' && options !== null ? options : {}) as {
    filters?: unknown;
    exclusionFilters?: unknown;
  };
  if (!Array.isArray(source.filters)) {
    return new TypeError(operationError('USB', 'requestDevice', 'required member filters is undefined.'));
  }
  const exclusionFilters = Array.isArray(source.exclusionFilters) ? source.exclusionFilters : [];
  for (const filter of [...source.filters, ...exclusionFilters] as USBDeviceFilter[]) {
    const error = usbFilterError(filter ?? {});
    if (error) return new TypeError(error);
  }
  return { filters: source.filters, exclusionFilters };
}

function usbFilterError(filter: USBDeviceFilter): string | undefined {
  if (filter.productId !== undefined && filter.vendorId === undefined) {
    return 'A filter containing a productId must also contain a vendorId.';
  }
  if (filter.subclassCode !== undefined && filter.classCode === undefined) {
    return 'A filter containing a subclassCode must also contain a classCode.';
  }
  if (filter.protocolCode !== undefined && filter.subclassCode === undefined) {
    return 'A filter containing a protocolCode must also contain a subclassCode.';
  }
  return undefined;
}

export function usbChooserLists(options: UsbRequestOptions, device: USBDevice): boolean {
  const { filters, exclusionFilters } = options;
  if (filters.length > 0 && !filters.some((filter) => usbFilterMatches(device, filter))) return false;
  return !exclusionFilters.some((filter) => usbFilterMatches(device, filter));
}
