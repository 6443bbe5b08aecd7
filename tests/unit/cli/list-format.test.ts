/**
 * What `ferry list` prints, from plain device infos: one aligned line per device under a header, the
 * no-devices line, JSON for scripts, and a PATH column that `ferry share` takes back as a selector.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deviceListJson,
  formatDeviceList,
  kindColumn,
  NO_DEVICES_LINE,
} from '../../../src/cli/list-format.ts';
import { matchSelector, parseSelector, placeOf } from '../../../src/node-devices/index.ts';
import { deviceLists, hidDevice, usbDevice } from '../node-devices/device-arbitraries.ts';

describe('formatDeviceList', () => {
  it('says so when there is no device', () => {
    expect(formatDeviceList([])).toEqual([NO_DEVICES_LINE]);
  });

  it('prints backend, vid:pid, name, serial, path and usage or class, aligned under a header', () => {
    const lines = formatDeviceList([
      hidDevice({
        serial: 'AB12',
        usages: [
          { usagePage: 0x01, usage: 0x02 },
          { usagePage: 0x01, usage: 0x06 },
        ],
      }),
      usbDevice({
        vendorId: 0x1209,
        productId: 0x0001,
        manufacturer: '',
        product: 'Gadget Zero',
        deviceClass: 0xff,
        bus: 2,
        address: 3,
      }),
    ]);
    expect(lines).toEqual([
      'BACKEND  VID:PID    NAME                   SERIAL  PATH          USAGE/CLASS',
      'hid      046d:c52b  Logitech USB Receiver  AB12    /dev/hidraw0  0001:0002 Generic Desktop / Mouse, 0001:0006 Generic Desktop / Keyboard',
      'usb      1209:0001  Gadget Zero            -       usb:2-3       class ff vendor specific',
    ]);
  });

  it("names a USB device's interface classes when the device class leaves them to its interfaces", () => {
    expect(kindColumn(usbDevice({ deviceClass: 0, interfaceClasses: [0x03, 0x08] }))).toBe(
      'interfaces 03 HID, 08 mass storage',
    );
    expect(kindColumn(usbDevice({ deviceClass: 0, interfaceClasses: [] }))).toBe('class 00 unknown');
    expect(kindColumn(hidDevice({ usages: [] }))).toBe('-');
  });

  it("keeps a device's control characters off the terminal", () => {
    const [, line] = formatDeviceList([hidDevice({ product: 'evil\u001b[2J\nname', serial: '\t' })]);
    expect([...line!].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
    expect(line).toContain('evil?[2J?name');
  });

  it('one line per device, each holding its PATH, which ferry share takes back as a selector', () => {
    fc.assert(
      fc.property(deviceLists, (devices) => {
        const lines = formatDeviceList(devices);
        if (devices.length === 0) return;
        expect(lines).toHaveLength(devices.length + 1);
        const pathColumn = lines[0]!.indexOf('PATH');
        devices.forEach((device, index) => {
          const printed = lines[index + 1]!.slice(pathColumn).split(' ')[0]!;
          expect(printed).toBe(placeOf(device));
          expect(matchSelector(parseSelector(printed), devices)).toBe(device);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('deviceListJson', () => {
  it('is [] with no device', () => {
    expect(JSON.parse(deviceListJson([]))).toEqual([]);
  });

  it("gives each device's fields, ids, name, path and a selector that names it", () => {
    const devices = [hidDevice(), usbDevice()];
    const parsed = JSON.parse(deviceListJson(devices)) as Array<Record<string, unknown>>;
    expect(parsed[0]).toMatchObject({
      backend: 'hid',
      vendorId: 0x046d,
      ids: '046d:c52b',
      path: '/dev/hidraw0',
      selector: 'hid:046d:c52b',
      name: 'Logitech USB Receiver',
    });
    expect(parsed[1]).toMatchObject({
      backend: 'usb',
      bus: 1,
      address: 4,
      path: 'usb:1-4',
      selector: 'usb:046d:c52b',
    });
  });
});
