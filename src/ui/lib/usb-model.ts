/** What the receiver's USB panel shows and sends, as plain data: no Lit, no transport. */
import type {
  UsbConfigurationInfo,
  UsbDescriptorSet,
  UsbEndpointInfo,
  UsbSetup,
} from '../../protocol/index.ts';
import { formatHex, HexParseError, parseHex } from './hex.ts';

export interface UsbSummary {
  readonly name: string;
  readonly manufacturer: string | undefined;
  readonly vendorId: number;
  readonly productId: number;
  /** "USB 2.01" */
  readonly usbVersion: string;
}

export function usbSummary(descriptors: UsbDescriptorSet): UsbSummary {
  const { device } = descriptors;
  return {
    name: descriptors.string(device.productIndex) || 'Unnamed USB device',
    manufacturer: descriptors.string(device.manufacturerIndex) || undefined,
    vendorId: device.vendorId,
    productId: device.productId,
    usbVersion: `USB ${bcd(device.bcdUSB)}`,
  };
}

/** 0x0201 → "2.01" */
export function bcd(value: number): string {
  return `${(value >> 8).toString(16)}.${(value & 0xff).toString(16).padStart(2, '0')}`;
}

/** "0525:a4a0", the way lsusb writes ids. */
export function usbIds(vendorId: number, productId: number): string {
  const hex4 = (value: number) => value.toString(16).padStart(4, '0');
  return `${hex4(vendorId)}:${hex4(productId)}`;
}

/** "0x81" */
export function hexByte(value: number): string {
  return `0x${value.toString(16).padStart(2, '0')}`;
}

/** "bulk IN 0x81 (512 B)" */
export function endpointLabel(endpoint: UsbEndpointInfo): string {
  const direction = endpoint.address & 0x80 ? 'IN' : 'OUT';
  return `${endpoint.kind} ${direction} ${hexByte(endpoint.address)} (${endpoint.packetSize} B)`;
}

/**
 * The bulk and interrupt endpoints a transfer can use in this configuration, whatever alternate declares
 * them (each address once, in address order).
 */
export function transferEndpoints(configuration: UsbConfigurationInfo | undefined): UsbEndpointInfo[] {
  const found = new Map<number, UsbEndpointInfo>();
  for (const iface of configuration?.interfaces ?? []) {
    for (const alternate of iface.alternates) {
      for (const endpoint of alternate.endpoints) {
        if ((endpoint.kind === 'bulk' || endpoint.kind === 'interrupt') && !found.has(endpoint.address))
          found.set(endpoint.address, endpoint);
      }
    }
  }
  return [...found.values()].sort((a, b) => a.address - b.address);
}

/** A number field: hex with 0x ("0x40") or decimal ("64"), at most `max`. */
export function parseNumberField(label: string, text: string, max: number): number {
  const trimmed = text.trim();
  const value = /^0x[0-9a-f]+$/i.test(trimmed)
    ? Number.parseInt(trimmed.slice(2), 16)
    : /^\d+$/.test(trimmed)
      ? Number.parseInt(trimmed, 10)
      : Number.NaN;
  if (Number.isNaN(value))
    throw new HexParseError(`${label}: "${trimmed}" is not a number (e.g. 0x40 or 64)`);
  if (value > max) throw new HexParseError(`${label}: ${trimmed} is larger than ${max}`);
  return value;
}

export interface ControlFields {
  readonly requestType: string;
  readonly request: string;
  readonly value: string;
  readonly index: string;
  readonly length: string;
  readonly data: string;
}

/** The setup packet and OUT data a control form describes: IN by bmRequestType bit 7 reads `length`. */
export function controlRequest(fields: ControlFields): { setup: UsbSetup; data: Uint8Array } {
  const requestType = parseNumberField('bmRequestType', fields.requestType, 0xff);
  const request = parseNumberField('bRequest', fields.request, 0xff);
  const value = parseNumberField('wValue', fields.value, 0xffff);
  const index = parseNumberField('wIndex', fields.index, 0xffff);
  const isIn = (requestType & 0x80) !== 0;
  const data = isIn ? new Uint8Array(0) : parseHex(fields.data);
  const length = isIn ? parseNumberField('wLength', fields.length, 0xffff) : data.length;
  if (data.length > 0xffff) throw new HexParseError('wLength: at most 65535 bytes');
  return { setup: { requestType, request, value, index, length }, data };
}

export class UsbStatusError extends Error {
  override readonly name = 'UsbStatusError';
}

const SHOWN_BYTES = 512;

/** Any status but `ok` becomes a UsbStatusError naming it (stall, timeout, disconnected, …). */
export function requireOk(result: { status: string }): void {
  if (result.status !== 'ok') throw new UsbStatusError(`${result.status} (the request did not complete)`);
}

/** "ok · 16 bytes: 00 01 …" for IN, "ok · 16 bytes written" for OUT; any other status throws. */
export function describeUsbResult(
  result: { status: string; data: Uint8Array; actualLength: number },
  isIn: boolean,
): string {
  requireOk(result);
  if (!isIn) return `ok · ${result.actualLength} bytes written`;
  if (result.data.length === 0) return 'ok · 0 bytes';
  const shown = formatHex(result.data.subarray(0, SHOWN_BYTES));
  const more = result.data.length > SHOWN_BYTES ? ' …' : '';
  return `ok · ${result.data.length} bytes: ${shown}${more}`;
}
