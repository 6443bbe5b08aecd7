/**
 * The bench's devices for the fake `navigator.hid`: vendor-defined, one unnumbered input report of
 * `bytes` bytes (plus a same-size output report). Device 0 has 64-byte reports (the latency runs),
 * device 1 4096-byte reports (throughput in MB/s).
 */
import { collectionsFromDescriptor } from '../src/hid/index.ts';
import type {
  FakeCollectionInfo,
  FakeDeviceConfig,
  FakeHidConfig,
} from '../tests/support/fake-webhid/config.ts';

export const LARGE_REPORT_BYTES = 4096;

/** Usage Page 0xFF00, Usage 1, Application; 8-bit fields; Report Count `bytes` for Input and Output. */
export function vendorDescriptor(bytes: number): Uint8Array {
  const count = [0x96, bytes & 0xff, bytes >> 8];
  return Uint8Array.from([
    0x06,
    0x00,
    0xff,
    0x09,
    0x01,
    0xa1,
    0x01,
    0x09,
    0x01,
    0x15,
    0x00,
    0x26,
    0xff,
    0x00,
    0x75,
    0x08,
    ...count,
    0x81,
    0x02,
    0x09,
    0x01,
    ...count,
    0x91,
    0x02,
    0xc0,
  ]);
}

function device(productId: number, bytes: number): FakeDeviceConfig {
  const collections = collectionsFromDescriptor(vendorDescriptor(bytes)) as unknown as FakeCollectionInfo[];
  return {
    vendorId: 0x1209,
    productId,
    productName: `Ferry bench ${bytes}-byte`,
    serialNumber: `bench-${bytes}`,
    collections,
    usesReportIds: false,
    inputReportLengths: { 0: bytes },
    outputReportLengths: { 0: bytes },
    featureReportLengths: {},
    granted: true,
  };
}

export const BENCH_HID: FakeHidConfig = {
  devices: [device(0x0001, 64), device(0x0002, LARGE_REPORT_BYTES)],
};
