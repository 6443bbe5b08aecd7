import { describe, expect, it } from 'vitest';
import { SimulatedUsbDevice, WebUsbSource } from '../../../src/devices/usb/index.ts';
import { fakeWebUsbScript } from '../../support/fake-webusb/bundle.ts';
import { FakeUsb } from '../../support/fake-webusb/fake-usb.ts';

/** A page's localStorage, as the next document of the same origin finds it. */
function originStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

describe('fake navigator.usb', () => {
  it('keeps the origin’s permissions for the next document (a reload), as Chrome’s permission store does', async () => {
    const storage = originStorage();
    const first = new FakeUsb({ storage });
    first.plug(new SimulatedUsbDevice(undefined, { serialNumber: 'gz-1' }));
    first.plug(new SimulatedUsbDevice(undefined, { serialNumber: 'gz-2' }));
    await first.requestDevice({ filters: [], exclusionFilters: [] });
    const reloaded = new FakeUsb({ storage });
    reloaded.plug(new SimulatedUsbDevice(undefined, { serialNumber: 'gz-1' }));
    reloaded.plug(new SimulatedUsbDevice(undefined, { serialNumber: 'gz-2' }));
    expect((await reloaded.getDevices()).map((device) => device.serialNumber)).toEqual(['gz-1']);
    expect(await new FakeUsb().getDevices()).toEqual([]); // another profile: nothing granted

    // Without a serial number the permission is ephemeral: unplugging the device ends it.
    const plain = new FakeUsb({ storage: originStorage() });
    const device = plain.plug(new SimulatedUsbDevice(undefined, { serialNumber: '' }));
    await plain.requestDevice({ filters: [] });
    plain.unplug(device);
    plain.plug(device);
    expect(await plain.getDevices()).toEqual([]);
  });

  it('requestDevice needs user activation, valid filters and a match', async () => {
    let active = false;
    const usb = new FakeUsb({ hasUserActivation: () => active });
    usb.plug();
    await expect(usb.requestDevice({ filters: [] })).rejects.toMatchObject({ name: 'SecurityError' });
    active = true;
    await expect(usb.requestDevice({ filters: [{ productId: 0xa4a0 }] })).rejects.toBeInstanceOf(TypeError);
    await expect(usb.requestDevice({ filters: [{ vendorId: 0x1234 }] })).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No device selected.',
    });
    expect(await usb.getDevices()).toEqual([]);
    const device = await usb.requestDevice({ filters: [{ vendorId: 0x0525, classCode: 0xff }] });
    expect(device.productId).toBe(0xa4a0);
    expect(await usb.getDevices()).toEqual([device]);
  });

  it('fires disconnect for a permitted device, and WebUsbSource completes its transfers disconnected', async () => {
    const usb = new FakeUsb();
    const device = usb.plug(new SimulatedUsbDevice());
    await usb.requestDevice({ filters: [{ vendorId: 0x0525 }] });
    const source = await WebUsbSource.open(device, { usb });
    await source.handle({ kind: 'select-configuration', requestId: 1, value: 2 });
    const events: string[] = [];
    usb.addEventListener('disconnect', () => events.push('disconnect'));
    const waiting = source.handle({
      kind: 'transfer',
      requestId: 2,
      endpoint: 0x81,
      length: 64,
      data: new Uint8Array(0),
    });
    usb.unplug(device);
    expect(await waiting).toMatchObject({ status: 'disconnected' });
    expect(events).toEqual(['disconnect']);
    expect(source.gone).toBe(true);
  });

  it('bundles for the page', async () => {
    expect(await fakeWebUsbScript()).toContain('installFakeWebUsb');
  });
});
