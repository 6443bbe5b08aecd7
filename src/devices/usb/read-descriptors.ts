/**
 * Reads a device's raw descriptors the way a host does, with GET_DESCRIPTOR control transfers, so the
 * receiver can present exactly the same device: device, every configuration (wTotalLength bytes), the
 * BOS when bcdUSB ≥ 2.01, and every string the other descriptors name, in the device's first language.
 */
import {
  parseConfiguration,
  parseDeviceDescriptor,
  type UsbDescriptorEntry,
  UsbDescriptorType,
} from '../../protocol/index.ts';
import { UsbSourceError } from './errors.ts';

const GET_DESCRIPTOR = 0x06;
const MAX_STRING_BYTES = 255;

async function getDescriptor(device: USBDevice, type: number, index: number, langId: number, length: number) {
  const setup: USBControlTransferParameters = {
    requestType: 'standard',
    recipient: 'device',
    request: GET_DESCRIPTOR,
    value: (type << 8) | index,
    index: langId,
  };
  const result = await device.controlTransferIn(setup, length);
  if (result.status !== 'ok' || result.data === undefined) return undefined;
  return new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength).slice();
}

/** A bundle read twice: its header first for wTotalLength (bytes 2–3), then whole. */
async function getBundle(device: USBDevice, type: number, index: number, headerLength: number) {
  const header = await getDescriptor(device, type, index, 0, headerLength);
  if (header === undefined || header.length < 4) return undefined;
  return getDescriptor(device, type, index, 0, header[2]! | (header[3]! << 8));
}

const entry = (type: number, index: number, bytes: Uint8Array, langId = 0): UsbDescriptorEntry => ({
  type,
  index,
  langId,
  bytes,
});

export async function readDescriptors(device: USBDevice): Promise<UsbDescriptorEntry[]> {
  const deviceBytes = await getDescriptor(device, UsbDescriptorType.device, 0, 0, 18);
  if (deviceBytes === undefined || deviceBytes.length !== 18) {
    throw new UsbSourceError('device-error', 'the device did not return its device descriptor');
  }
  const info = parseDeviceDescriptor(deviceBytes);
  const entries = [entry(UsbDescriptorType.device, 0, deviceBytes)];
  const stringIndexes = new Set([info.manufacturerIndex, info.productIndex, info.serialNumberIndex]);
  for (let index = 0; index < info.configurationCount; index++) {
    const bytes = await getBundle(device, UsbDescriptorType.configuration, index, 9);
    if (bytes === undefined) continue;
    entries.push(entry(UsbDescriptorType.configuration, index, bytes));
    for (const n of configurationStrings(bytes)) stringIndexes.add(n);
  }
  if (info.bcdUSB >= 0x0201) {
    const bos = await optional(() => getBundle(device, UsbDescriptorType.bos, 0, 5));
    if (bos !== undefined) entries.push(entry(UsbDescriptorType.bos, 0, bos));
  }
  stringIndexes.delete(0);
  return [...entries, ...(await readStrings(device, stringIndexes))];
}

function configurationStrings(bytes: Uint8Array): number[] {
  const configuration = parseConfiguration(bytes);
  const names = configuration.interfaces.flatMap((i) => i.alternates.map((a) => a.nameIndex));
  return [configuration.nameIndex, ...names];
}

async function readStrings(device: USBDevice, indexes: ReadonlySet<number>): Promise<UsbDescriptorEntry[]> {
  if (indexes.size === 0) return [];
  const languages = await optional(() =>
    getDescriptor(device, UsbDescriptorType.string, 0, 0, MAX_STRING_BYTES),
  );
  if (languages === undefined || languages.length < 4) return [];
  const langId = languages[2]! | (languages[3]! << 8);
  const entries = [entry(UsbDescriptorType.string, 0, languages)];
  for (const index of [...indexes].sort((a, b) => a - b)) {
    const bytes = await optional(() =>
      getDescriptor(device, UsbDescriptorType.string, index, langId, MAX_STRING_BYTES),
    );
    if (bytes !== undefined && bytes.length >= 2)
      entries.push(entry(UsbDescriptorType.string, index, bytes, langId));
  }
  return entries;
}

/** Optional descriptors: a device that stalls or errors on them simply has none. */
async function optional<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}
