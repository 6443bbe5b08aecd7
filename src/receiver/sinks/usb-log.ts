/**
 * What the log sink prints for a generic USB device: a description when it arrives and a summary of
 * its transfers when it goes. Text lines start with '#', so a hid-recorder log stays replayable.
 */
import type { UsbConfigurationInfo } from '../../protocol/index.ts';
import type { RemoteUsbDevice } from './types.ts';

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');

function ids(device: RemoteUsbDevice): string {
  const info = device.descriptors.device;
  return `${hex(info.vendorId, 4)}:${hex(info.productId, 4)}`;
}

export function usbProductName(device: RemoteUsbDevice): string {
  const { descriptors } = device;
  return descriptors.string(descriptors.device.productIndex) ?? `USB device ${ids(device)}`;
}

function configurationLine(configuration: UsbConfigurationInfo, active: boolean): string {
  const interfaces = configuration.interfaces.map((iface) => {
    const first = iface.alternates[0];
    const kind = first
      ? `${hex(first.interfaceClass, 2)}/${hex(first.interfaceSubclass, 2)}/${hex(first.interfaceProtocol, 2)}`
      : '?';
    const endpoints = first?.endpoints.map((e) => `${hex(e.address, 2)} ${e.kind} ${e.packetSize}`) ?? [];
    const alternates = iface.alternates.length > 1 ? `, ${iface.alternates.length} alternates` : '';
    return `interface ${iface.interfaceNumber} ${kind}${alternates} [${endpoints.join(', ')}]`;
  });
  const mark = active ? ' (active)' : '';
  return `#   configuration ${configuration.configurationValue}${mark}: ${interfaces.join('; ')}`;
}

export function usbDescriptionLines(device: RemoteUsbDevice): string[] {
  const info = device.descriptors.device;
  const version = `${info.bcdUSB >> 8}.${hex(info.bcdUSB & 0xff, 2)}`;
  return [
    `# Ferry USB: ${usbProductName(device)} (${ids(device)}), USB ${version}, class ${hex(info.deviceClass, 2)}`,
    ...device.descriptors.configurations.map((configuration) =>
      configurationLine(configuration, configuration.configurationValue === device.activeConfiguration),
    ),
  ];
}

export function usbDescriptionJson(device: RemoteUsbDevice): string {
  const info = device.descriptors.device;
  return JSON.stringify({
    type: 'usb-device',
    vendorId: info.vendorId,
    productId: info.productId,
    productName: usbProductName(device),
    deviceClass: info.deviceClass,
    activeConfiguration: device.activeConfiguration,
    configurations: device.descriptors.configurations,
  });
}

export function usbSummary(device: RemoteUsbDevice, json: boolean): string {
  const { completed, bytesIn, bytesOut } = device.counters;
  const statuses = device.counters.statuses();
  if (json) return JSON.stringify({ type: 'usb-summary', completed, statuses, bytesIn, bytesOut });
  const byStatus = Object.entries(statuses).map(([status, count]) => `${count} ${status}`);
  const detail = byStatus.length > 0 ? ` (${byStatus.join(', ')})` : '';
  return `# Ferry USB: ${usbProductName(device)} gone: ${completed} transfers${detail}, ${bytesIn} bytes in, ${bytesOut} bytes out`;
}
