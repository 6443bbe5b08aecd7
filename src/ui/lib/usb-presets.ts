/**
 * Ready-made control requests for the receiver's USB panel, and the standard descriptors a GET_DESCRIPTOR
 * reply carries, decoded into named fields with src/protocol's parsers.
 */
import {
  decodeStringDescriptor,
  parseConfiguration,
  parseDeviceDescriptor,
  UsbDescriptorType,
  type UsbSetup,
} from '../../protocol/index.ts';
import { bcd, hexByte } from './usb-model.ts';

/** What fills the control form: the same text a person would type. */
export interface ControlPreset {
  readonly id: string;
  readonly label: string;
  readonly requestType: string;
  readonly request: string;
  readonly value: string;
  readonly index: string;
  readonly length: string;
}

const GET_DESCRIPTOR = '0x06';
const CLEAR_FEATURE = '0x01';
const US_ENGLISH = '0x0409';

export const CONTROL_PRESETS: readonly ControlPreset[] = [
  preset('device', 'GET_DESCRIPTOR device', '0x80', GET_DESCRIPTOR, '0x0100', '0', '18'),
  // 1024 bytes is more than any configuration bundle Ferry announces in practice; the reply says how long.
  preset('configuration', 'GET_DESCRIPTOR configuration', '0x80', GET_DESCRIPTOR, '0x0200', '0', '1024'),
  preset('product', 'GET_DESCRIPTOR string (product)', '0x80', GET_DESCRIPTOR, '0x0302', US_ENGLISH, '255'),
  clearHaltPreset(0x81),
];

/** CLEAR_FEATURE(ENDPOINT_HALT) to `endpoint`: recipient endpoint, feature selector 0, wIndex = address. */
export function clearHaltPreset(endpoint: number): ControlPreset {
  return preset(
    'clear-halt',
    `CLEAR_FEATURE(ENDPOINT_HALT) ${hexByte(endpoint)}`,
    '0x02',
    CLEAR_FEATURE,
    '0',
    hexByte(endpoint),
    '0',
  );
}

function preset(
  id: string,
  label: string,
  requestType: string,
  request: string,
  value: string,
  index: string,
  length: string,
): ControlPreset {
  return { id, label, requestType, request, value, index, length };
}

export interface DecodedDescriptor {
  readonly title: string;
  /** [field name as chapter 9 spells it, value as text] */
  readonly fields: ReadonlyArray<readonly [string, string]>;
}

/** The reply to a standard GET_DESCRIPTOR decoded; undefined for any other request. Throws RangeError if malformed. */
export function decodeDescriptorReply(setup: UsbSetup, data: Uint8Array): DecodedDescriptor | undefined {
  if (setup.requestType !== 0x80 || setup.request !== 0x06) return undefined;
  const type = setup.value >> 8;
  if (type === UsbDescriptorType.device) return deviceFields(data);
  if (type === UsbDescriptorType.configuration) return configurationFields(data);
  if (type === UsbDescriptorType.string) return stringFields(setup.value & 0xff, data);
  return undefined;
}

const hex4 = (value: number) => `0x${value.toString(16).padStart(4, '0')}`;

function deviceFields(data: Uint8Array): DecodedDescriptor {
  if (data.length < 18 || data[1] !== UsbDescriptorType.device)
    throw new RangeError('not a device descriptor');
  const device = parseDeviceDescriptor(data);
  return {
    title: 'Device descriptor',
    fields: [
      ['bcdUSB', bcd(device.bcdUSB)],
      ['bDeviceClass', hexByte(device.deviceClass)],
      ['bDeviceSubClass', hexByte(device.deviceSubclass)],
      ['bDeviceProtocol', hexByte(device.deviceProtocol)],
      ['bMaxPacketSize0', String(device.maxPacketSize0)],
      ['idVendor', hex4(device.vendorId)],
      ['idProduct', hex4(device.productId)],
      ['bcdDevice', bcd(device.bcdDevice)],
      ['iManufacturer', String(device.manufacturerIndex)],
      ['iProduct', String(device.productIndex)],
      ['iSerialNumber', String(device.serialNumberIndex)],
      ['bNumConfigurations', String(device.configurationCount)],
    ],
  };
}

function configurationFields(data: Uint8Array): DecodedDescriptor {
  const configuration = parseConfiguration(data);
  const totalLength = (data[2] ?? 0) | ((data[3] ?? 0) << 8);
  const interfaces = configuration.interfaces.flatMap((iface) =>
    iface.alternates.map(
      (alternate) =>
        [
          `interface ${alternate.interfaceNumber}.${alternate.alternateSetting}`,
          `class ${hexByte(alternate.interfaceClass)} · ${alternate.endpoints.length} endpoint(s)${alternate.endpoints.map((endpoint) => ` · ${endpoint.kind} ${hexByte(endpoint.address)}`).join('')}`,
        ] as const,
    ),
  );
  return {
    title: 'Configuration descriptor',
    fields: [
      ['wTotalLength', `${totalLength}${data.length < totalLength ? ` (${data.length} read)` : ''}`],
      ['bNumInterfaces', String(data[4] ?? 0)],
      ['bConfigurationValue', String(configuration.configurationValue)],
      ['iConfiguration', String(configuration.nameIndex)],
      ['bmAttributes', hexByte(configuration.attributes)],
      ['bMaxPower', `${configuration.maxPower * 2} mA`],
      ...interfaces,
    ],
  };
}

function stringFields(index: number, data: Uint8Array): DecodedDescriptor {
  if (data.length < 2 || data[1] !== UsbDescriptorType.string)
    throw new RangeError('not a string descriptor');
  if (index === 0) {
    const languages: string[] = [];
    for (let at = 2; at + 1 < Math.min(data.length, data[0] ?? 0); at += 2)
      languages.push(hex4((data[at] ?? 0) | ((data[at + 1] ?? 0) << 8)));
    return { title: 'String descriptor 0', fields: [['wLANGID', languages.join(', ') || 'none']] };
  }
  return { title: `String descriptor ${index}`, fields: [['bString', decodeStringDescriptor(data)]] };
}
