/**
 * Reading USB chapter 9 descriptors (all fields little-endian) into plain data: what WebUSB shows as
 * USBConfiguration/USBInterface/USBEndpoint, and what a receiver needs to route transfers by endpoint
 * type. Parsing never trusts a length: a malformed descriptor throws RangeError.
 */
import type { UsbDescriptorEntry } from './usb-messages.ts';

export const UsbDescriptorType = {
  device: 0x01,
  configuration: 0x02,
  string: 0x03,
  interface: 0x04,
  endpoint: 0x05,
  deviceQualifier: 0x06,
  bos: 0x0f,
} as const;

export type UsbEndpointKind = 'control' | 'isochronous' | 'bulk' | 'interrupt';
const ENDPOINT_KINDS: readonly UsbEndpointKind[] = ['control', 'isochronous', 'bulk', 'interrupt'];

export interface UsbDeviceInfo {
  readonly bcdUSB: number;
  readonly deviceClass: number;
  readonly deviceSubclass: number;
  readonly deviceProtocol: number;
  readonly maxPacketSize0: number;
  readonly vendorId: number;
  readonly productId: number;
  readonly bcdDevice: number;
  readonly manufacturerIndex: number;
  readonly productIndex: number;
  readonly serialNumberIndex: number;
  readonly configurationCount: number;
}

export interface UsbEndpointInfo {
  /** bEndpointAddress: bit 7 = IN, low 4 bits = number. */
  readonly address: number;
  readonly kind: UsbEndpointKind;
  /** wMaxPacketSize bits 0–10 (bytes per packet). */
  readonly packetSize: number;
  readonly interval: number;
}

export interface UsbAlternateInfo {
  readonly interfaceNumber: number;
  readonly alternateSetting: number;
  readonly interfaceClass: number;
  readonly interfaceSubclass: number;
  readonly interfaceProtocol: number;
  readonly nameIndex: number;
  readonly endpoints: readonly UsbEndpointInfo[];
}

export interface UsbInterfaceInfo {
  readonly interfaceNumber: number;
  readonly alternates: readonly UsbAlternateInfo[];
}

export interface UsbConfigurationInfo {
  readonly configurationValue: number;
  readonly nameIndex: number;
  readonly attributes: number;
  readonly maxPower: number;
  readonly interfaces: readonly UsbInterfaceInfo[];
}

const u16 = (bytes: Uint8Array, at: number) => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);

export function parseDeviceDescriptor(bytes: Uint8Array): UsbDeviceInfo {
  if (bytes.length < 18 || bytes[1] !== UsbDescriptorType.device)
    throw new RangeError('not a device descriptor');
  return {
    bcdUSB: u16(bytes, 2),
    deviceClass: bytes[4]!,
    deviceSubclass: bytes[5]!,
    deviceProtocol: bytes[6]!,
    maxPacketSize0: bytes[7]!,
    vendorId: u16(bytes, 8),
    productId: u16(bytes, 10),
    bcdDevice: u16(bytes, 12),
    manufacturerIndex: bytes[14]!,
    productIndex: bytes[15]!,
    serialNumberIndex: bytes[16]!,
    configurationCount: bytes[17]!,
  };
}

/** Splits a descriptor bundle (configuration, BOS) into its descriptors, checking every bLength. */
export function* descriptorsIn(bytes: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; ) {
    const length = bytes[at]!;
    if (length < 2 || at + length > bytes.length)
      throw new RangeError(`bad descriptor length at offset ${at}`);
    yield bytes.subarray(at, at + length);
    at += length;
  }
}

/** A configuration bundle (GET_DESCRIPTOR(CONFIGURATION) with wTotalLength bytes) as plain data. */
export function parseConfiguration(bytes: Uint8Array): UsbConfigurationInfo {
  if (bytes.length < 9 || bytes[1] !== UsbDescriptorType.configuration) {
    throw new RangeError('not a configuration descriptor');
  }
  const interfaces = new Map<number, UsbAlternateInfo[]>();
  let current: { info: Omit<UsbAlternateInfo, 'endpoints'>; endpoints: UsbEndpointInfo[] } | undefined;
  const finish = () => {
    if (current === undefined) return;
    const list = interfaces.get(current.info.interfaceNumber) ?? [];
    list.push({ ...current.info, endpoints: current.endpoints });
    interfaces.set(current.info.interfaceNumber, list);
  };
  for (const descriptor of descriptorsIn(bytes.subarray(0, Math.min(bytes.length, u16(bytes, 2))))) {
    if (descriptor[1] === UsbDescriptorType.interface && descriptor.length >= 9) {
      finish();
      current = { info: interfaceInfo(descriptor), endpoints: [] };
    } else if (descriptor[1] === UsbDescriptorType.endpoint && descriptor.length >= 7) {
      current?.endpoints.push(endpointInfo(descriptor));
    }
  }
  finish();
  return {
    configurationValue: bytes[5]!,
    nameIndex: bytes[6]!,
    attributes: bytes[7]!,
    maxPower: bytes[8]!,
    interfaces: [...interfaces].map(([interfaceNumber, alternates]) => ({ interfaceNumber, alternates })),
  };
}

function interfaceInfo(d: Uint8Array): Omit<UsbAlternateInfo, 'endpoints'> {
  return {
    interfaceNumber: d[2]!,
    alternateSetting: d[3]!,
    interfaceClass: d[5]!,
    interfaceSubclass: d[6]!,
    interfaceProtocol: d[7]!,
    nameIndex: d[8]!,
  };
}

function endpointInfo(d: Uint8Array): UsbEndpointInfo {
  return {
    address: d[2]!,
    kind: ENDPOINT_KINDS[d[3]! & 0x03]!,
    packetSize: u16(d, 4) & 0x7ff,
    interval: d[6]!,
  };
}

/** A UNICODE string descriptor's text (UTF-16LE after the 2-byte header). */
export function decodeStringDescriptor(bytes: Uint8Array): string {
  let text = '';
  for (let at = 2; at + 1 < Math.min(bytes.length, bytes[0] ?? 0); at += 2)
    text += String.fromCharCode(u16(bytes, at));
  return text;
}

export function encodeStringDescriptor(text: string): Uint8Array {
  const units = Math.min(text.length, 126);
  const out = new Uint8Array(2 + units * 2);
  out[0] = out.length;
  out[1] = UsbDescriptorType.string;
  for (let i = 0; i < units; i++) {
    out[2 + i * 2] = text.charCodeAt(i) & 0xff;
    out[3 + i * 2] = text.charCodeAt(i) >> 8;
  }
  return out;
}

/** The announced descriptors, indexed the way GET_DESCRIPTOR asks for them. */
export class UsbDescriptorSet {
  readonly device: UsbDeviceInfo;
  readonly configurations: readonly UsbConfigurationInfo[];

  constructor(readonly entries: readonly UsbDescriptorEntry[]) {
    this.device = parseDeviceDescriptor(this.raw(UsbDescriptorType.device, 0) ?? new Uint8Array(0));
    this.configurations = entries
      .filter((entry) => entry.type === UsbDescriptorType.configuration)
      .sort((a, b) => a.index - b.index)
      .map((entry) => parseConfiguration(entry.bytes));
  }

  /** The raw descriptor, or undefined (a real device would stall). `langId` matters for strings only. */
  raw(type: number, index: number, langId = 0): Uint8Array | undefined {
    const matches = (entry: UsbDescriptorEntry) =>
      entry.type === type &&
      entry.index === index &&
      (type !== UsbDescriptorType.string || index === 0 || entry.langId === langId);
    return (this.entries.find(matches) ?? this.anyLanguage(type, index))?.bytes;
  }

  configuration(value: number): UsbConfigurationInfo | undefined {
    return this.configurations.find((configuration) => configuration.configurationValue === value);
  }

  /** The endpoint with this address in the configuration, whatever alternate setting declares it. */
  endpoint(configurationValue: number, address: number): UsbEndpointInfo | undefined {
    for (const iface of this.configuration(configurationValue)?.interfaces ?? []) {
      for (const alternate of iface.alternates) {
        const found = alternate.endpoints.find((endpoint) => endpoint.address === address);
        if (found) return found;
      }
    }
    return undefined;
  }

  string(index: number): string | undefined {
    if (index === 0) return undefined;
    const bytes = this.anyLanguage(UsbDescriptorType.string, index)?.bytes;
    return bytes === undefined ? undefined : decodeStringDescriptor(bytes);
  }

  /** A host asking in a language the sharer did not read still gets the string (better than a stall). */
  private anyLanguage(type: number, index: number): UsbDescriptorEntry | undefined {
    if (type !== UsbDescriptorType.string) return undefined;
    return this.entries.find((entry) => entry.type === type && entry.index === index);
  }
}
