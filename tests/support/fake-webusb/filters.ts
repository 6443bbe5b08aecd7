/**
 * requestDevice's filter checks and matching, as Chromium does them (third_party/blink/renderer/
 * modules/webusb/usb.cc ConvertDeviceFilter; matching in services/device/public/cpp/usb/usb_utils.cc).
 */
export function checkFilter(filter: USBDeviceFilter): void {
  if (filter.productId !== undefined && filter.vendorId === undefined) {
    throw new TypeError('A filter containing a productId must also contain a vendorId.');
  }
  if (filter.subclassCode !== undefined && filter.classCode === undefined) {
    throw new TypeError('A filter containing a subclassCode must also contain a classCode.');
  }
  if (filter.protocolCode !== undefined && filter.subclassCode === undefined) {
    throw new TypeError('A filter containing a protocolCode must also contain a subclassCode.');
  }
}

type ClassTriple = readonly [number, number, number];

/** The device's own class and every interface alternate's class, in every configuration. */
function classesOf(device: USBDevice): ClassTriple[] {
  const own: ClassTriple = [device.deviceClass, device.deviceSubclass, device.deviceProtocol];
  const interfaces = device.configurations.flatMap((c) =>
    c.interfaces.flatMap((i) =>
      i.alternates.map((a): ClassTriple => [a.interfaceClass, a.interfaceSubclass, a.interfaceProtocol]),
    ),
  );
  return [own, ...interfaces];
}

export function matchesFilter(device: USBDevice, filter: USBDeviceFilter): boolean {
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
