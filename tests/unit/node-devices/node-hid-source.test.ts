/**
 * NodeHidSource over an object with only the node-hid (HIDAsync) calls it makes — a test double of the
 * third-party library, not of Ferry; the real hidraw path is proven in the QEMU guest (issue 15 item 2).
 * What is checked here is Ferry's own framing: hidraw gives and takes the report id as the first byte
 * when the descriptor numbers its reports, Ferry's wire carries it apart from the data.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceError } from '../../../src/devices/index.ts';
import {
  HidrawDescriptorError,
  hidDevicesFrom,
  NodeHidSource,
  readHidrawDescriptor,
  sysfsDescriptorPath,
} from '../../../src/node-devices/index.ts';
import { HandleDouble, NUMBERED, UNNUMBERED } from './hid-handle-double.ts';

function sourceOver(descriptor: Uint8Array) {
  const handle = new HandleDouble();
  const source = new NodeHidSource(handle, {
    vendorId: 0x1209,
    productId: 0x0001,
    productName: 'Test pad',
    reportDescriptor: descriptor,
  });
  const inputs: Array<[number, number[]]> = [];
  source.onInput((reportId, data) => inputs.push([reportId, [...data]]));
  return { handle, source, inputs };
}

describe('NodeHidSource, numbered reports (the id byte leads on hidraw)', () => {
  it('announces the raw descriptor as it is, and its collections', () => {
    const { source } = sourceOver(NUMBERED);
    expect(source.reportDescriptor).toBe(NUMBERED);
    expect(source.collections[0]?.inputReports.map((r) => r.reportId)).toEqual([1]);
    expect([source.vendorId, source.productId, source.productName]).toEqual([0x1209, 1, 'Test pad']);
  });

  it('splits the id off each input report', () => {
    const { handle, inputs } = sourceOver(NUMBERED);
    handle.emit('data', Buffer.from([1, 0x10, 0x20]));
    handle.emit('data', Buffer.from([])); // too short to hold an id: skipped
    handle.emit('data', Buffer.from([1, 0x11, 0x21]));
    expect(inputs).toEqual([
      [1, [0x10, 0x20]],
      [1, [0x11, 0x21]],
    ]);
  });

  it('writes output and feature reports with the id byte first', async () => {
    const { handle, source } = sourceOver(NUMBERED);
    await source.sendReport(2, Uint8Array.from([0x55]));
    await source.sendFeatureReport(3, Uint8Array.from([7, 8, 9]));
    expect(handle.writes).toEqual([[2, 0x55]]);
    expect(handle.featuresSent).toEqual([[3, 7, 8, 9]]);
  });

  it('asks for a feature report one byte longer than its data and returns the data without the id', async () => {
    const { handle, source } = sourceOver(NUMBERED);
    expect([...(await source.receiveFeatureReport(3))]).toEqual([0xa, 0xb, 0xc]);
    expect(handle.featureRequests).toEqual([[3, 4]]);
    await expect(source.receiveFeatureReport(9)).rejects.toMatchObject({ code: 'device-error' });
  });
});

describe('NodeHidSource, reports without ids', () => {
  it('gives each input report whole as report 0', () => {
    const { handle, inputs } = sourceOver(UNNUMBERED);
    handle.emit('data', Buffer.from([0x10, 0x20]));
    expect(inputs).toEqual([[0, [0x10, 0x20]]]);
  });

  it('still frames writes with a 0 byte, as hidraw wants, and strips it from feature replies', async () => {
    const { handle, source } = sourceOver(UNNUMBERED);
    handle.featureReply = Uint8Array.from([0, 1, 2, 3]);
    await source.sendReport(0, Uint8Array.from([0x55]));
    await source.sendFeatureReport(0, Uint8Array.from([4, 5, 6]));
    expect(handle.writes).toEqual([[0, 0x55]]);
    expect(handle.featuresSent).toEqual([[0, 4, 5, 6]]);
    expect([...(await source.receiveFeatureReport(0))]).toEqual([1, 2, 3]);
    expect(handle.featureRequests).toEqual([[0, 4]]);
  });
});

describe('NodeHidSource, failures and unplug', () => {
  it('a failed write is a DeviceError', async () => {
    const { handle, source } = sourceOver(UNNUMBERED);
    handle.failWrites = true;
    await expect(source.sendReport(0, Uint8Array.of(1))).rejects.toBeInstanceOf(DeviceError);
  });

  it("node-hid's read error is the unplug: listeners hear it once, requests fail as disconnected", async () => {
    const { handle, source } = sourceOver(UNNUMBERED);
    let unplugged = 0;
    source.onDisconnect(() => unplugged++);
    handle.emit('error', new Error('could not read from HID device'));
    handle.emit('error', new Error('could not read from HID device'));
    expect(unplugged).toBe(1);
    await expect(source.sendReport(0, Uint8Array.of(1))).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('close closes the handle once, and reports after it are dropped', async () => {
    const { handle, source, inputs } = sourceOver(UNNUMBERED);
    await source.close();
    await source.close();
    handle.emit('data', Buffer.from([1, 2]));
    expect(handle.closed).toBe(true);
    expect(inputs).toEqual([]);
  });

  it('a descriptor that does not parse throws at construction', () => {
    expect(() => sourceOver(Uint8Array.from([0xa1, 0x01]))).toThrow();
  });
});

describe('hidDevicesFrom (node-hid enumeration)', () => {
  it('lists each path once with every top-level usage hidapi gave for it', () => {
    const base = { vendorId: 0x046d, productId: 0xc52b, release: 1, interface: 0 };
    const listed = hidDevicesFrom([
      { ...base, path: '/dev/hidraw0', product: 'Receiver', usagePage: 1, usage: 6 },
      { ...base, path: '/dev/hidraw0', product: 'Receiver', usagePage: 1, usage: 2 },
      { ...base, path: '/dev/hidraw1', usagePage: 0xff00, usage: 1, serialNumber: 'S1' },
      { ...base }, // no path: cannot be opened, not listed
    ]);
    expect(listed).toEqual([
      expect.objectContaining({
        path: '/dev/hidraw0',
        product: 'Receiver',
        usages: [
          { usagePage: 1, usage: 6 },
          { usagePage: 1, usage: 2 },
        ],
      }),
      expect.objectContaining({ path: '/dev/hidraw1', product: '', manufacturer: '', serial: 'S1' }),
    ]);
  });
});

describe('readHidrawDescriptor (sysfs)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads /sys/class/hidraw/hidrawN/device/report_descriptor for /dev/hidrawN', async () => {
    const sysfs = mkdtempSync(join(tmpdir(), 'ferry-sysfs-'));
    dirs.push(sysfs);
    mkdirSync(join(sysfs, 'class/hidraw/hidraw7/device'), { recursive: true });
    writeFileSync(join(sysfs, 'class/hidraw/hidraw7/device/report_descriptor'), NUMBERED);
    expect(sysfsDescriptorPath('/dev/hidraw7')).toBe('/sys/class/hidraw/hidraw7/device/report_descriptor');
    expect(await readHidrawDescriptor('/dev/hidraw7', sysfs)).toEqual(NUMBERED);
    await expect(readHidrawDescriptor('/dev/hidraw8', sysfs)).rejects.toBeInstanceOf(HidrawDescriptorError);
    await expect(readHidrawDescriptor('IOService:/x', sysfs)).rejects.toThrow(/only Linux hidraw/);
  });
});
