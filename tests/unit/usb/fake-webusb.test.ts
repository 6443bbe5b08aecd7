import { describe, expect, it } from 'vitest';
import { SimulatedUsbDevice, WebUsbSource } from '../../../src/devices/usb/index.ts';
import { fakeWebUsbScript } from '../../support/fake-webusb/bundle.ts';
import { FakeUsb } from '../../support/fake-webusb/fake-usb.ts';

describe('fake navigator.usb', () => {
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
