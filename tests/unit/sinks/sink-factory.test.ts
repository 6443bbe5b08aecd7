/**
 * The sinks by name (what `ferry receive --sink …` builds): which class each name gives, the warning
 * for USB protocols listening beyond loopback, report sizes from src/hid, several sinks at once, the
 * hint lines, and the translation of the transport's errors into the sinks' own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseReportDescriptor } from '../../../src/hid/index.ts';
import { asRemoteHidDevice } from '../../../src/receiver/hid-device.ts';
import {
  createSink,
  createSinks,
  FanOutSink,
  hidReportSizes,
  LogSink,
  RemoteDeviceError,
  type RemoteHidDevice,
  type Sink,
  type SinkOptions,
  UhidSink,
  UsbipSink,
  UsbredirSink,
} from '../../../src/receiver/sinks/index.ts';
import { UhidUnavailableError } from '../../../src/receiver/sinks/uhid/index.ts';
import {
  type RemoteDevice,
  RemoteDeviceError as TransportDeviceError,
} from '../../../src/transport/index.ts';
import { FakeHidDevice, hex, loadCorpus } from './usb-test-device.ts';

const opened: Sink[] = [];
afterEach(async () => {
  for (const sink of opened.splice(0)) await sink.close();
});

function options(overrides: Partial<SinkOptions> = {}): SinkOptions & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    log: { json: false, write: () => undefined },
    uhid: { path: '/nonexistent/uhid' },
    usbip: { host: '127.0.0.1', port: 0 },
    usbredir: { host: '127.0.0.1', port: 0 },
    warn: (line) => warnings.push(line),
    ...overrides,
    warnings,
  };
}

/** A device whose collections src/hid can size (the corpus helper leaves them empty). */
function dualShock(): FakeHidDevice {
  const entry = loadCorpus('sony-dualshock3-usb');
  const device = new FakeHidDevice(entry);
  const { collections } = parseReportDescriptor(hex(entry.descriptor));
  Object.assign(device, { info: { ...device.info, collections } });
  return device;
}

describe('createSink / createSinks', () => {
  it('builds each sink by name', () => {
    const built = (['log', 'uhid', 'usbip', 'usbredir'] as const).map((name) => createSink(name, options()));
    expect(built.map((sink) => sink.constructor)).toEqual([LogSink, UhidSink, UsbipSink, UsbredirSink]);
  });

  it('combines several names into one sink, once per name', () => {
    expect(createSinks(['usbip'], options())).toBeInstanceOf(UsbipSink);
    const both = createSinks(['log', 'usbip', 'log'], options());
    expect(both).toBeInstanceOf(FanOutSink);
    expect(both.name).toBe('log+usbip');
  });

  it('warns that USB/IP and usbredir have no authentication when they listen beyond loopback', () => {
    const quiet = options();
    createSinks(['usbip', 'usbredir'], quiet);
    expect(quiet.warnings).toEqual([]);
    const exposed = options({
      usbip: { host: '0.0.0.0', port: 3240 },
      usbredir: { host: '192.0.2.2', port: 4000 },
    });
    createSinks(['usbip', 'usbredir'], exposed);
    expect(exposed.warnings).toHaveLength(2);
    expect(exposed.warnings[0]).toMatch(/USB\/IP has no authentication.*0\.0\.0\.0:3240/);
    expect(exposed.warnings[1]).toMatch(/usbredir has no authentication.*192\.0\.2\.2:4000/);
  });

  it('fails prepare() for a missing /dev/uhid with the fix in the message', async () => {
    const error = await createSink('uhid', options())
      .prepare?.()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UhidUnavailableError);
    expect((error as Error).message).toMatch(/modprobe uhid/);
  });
});

describe('hidReportSizes', () => {
  it('takes the largest input and output report from src/hid, without the id byte', () => {
    expect(hidReportSizes(dualShock().info)).toEqual({ maxInputReportSize: 48, maxOutputReportSize: 48 });
  });

  it('falls back to 64 bytes in and no OUT endpoint for collections it cannot size', () => {
    const info = { ...dualShock().info, collections: [{ bogus: true }] };
    expect(hidReportSizes(info)).toEqual({ maxInputReportSize: 64, maxOutputReportSize: 0 });
  });
});

describe('hint lines after attach', () => {
  it('usbip: the bus id, the address and the attach command', async () => {
    const sink = createSink('usbip', options());
    opened.push(sink);
    await sink.prepare?.();
    const device = dualShock();
    await sink.attach(device);
    const [line] = sink.describe?.(device) ?? [];
    expect(line).toMatch(
      /^usbip: exported 1-1 on 127\.0\.0\.1:(\d+) — attach with: usbip --tcp-port \1 attach -r 127\.0\.0\.1 -b 1-1$/,
    );
  });

  it('usbredir: the address and the QEMU arguments', async () => {
    const sink = createSink('usbredir', options());
    opened.push(sink);
    const device = dualShock();
    await sink.attach(device);
    const [line] = sink.describe?.(device) ?? [];
    expect(line).toMatch(
      /^usbredir: .+ on 127\.0\.0\.1:(\d+) — .*-chardev socket,id=ferry,host=127\.0\.0\.1,port=\1,reconnect=1 -device usb-redir,chardev=ferry/,
    );
    device.close();
    expect(sink.describe?.(device)).toEqual([]);
  });
});

describe('FanOutSink', () => {
  const recording = (name: string, fail = false) => {
    const attached: RemoteHidDevice[] = [];
    const sink: Sink & { attached: RemoteHidDevice[]; closed: boolean } = {
      name,
      attached,
      closed: false,
      attach: async (device) => {
        if (fail) throw new Error('no luck');
        attached.push(device);
      },
      describe: () => [`${name}: here`],
      close: async () => {
        sink.closed = true;
      },
    };
    return sink;
  };

  it('presents each device through every sink; one failure does not take it from the others', async () => {
    const good = recording('good');
    const bad = recording('bad', true);
    const fan = new FanOutSink([bad, good]);
    const device = dualShock();
    await expect(fan.attach(device)).rejects.toThrow('bad: no luck');
    expect(good.attached).toEqual([device]);
    expect(fan.describe(device)).toEqual(['bad: here', 'good: here']);
    await fan.close();
    expect([good.closed, bad.closed]).toEqual([true, true]);
  });
});

describe('asRemoteHidDevice', () => {
  it("turns the transport's errors into the sinks' RemoteDeviceError with the same code", async () => {
    const remote = {
      announcement: { vendorId: 1, productId: 2, productName: 'x', collections: [] },
      onInput: () => () => undefined,
      onClose: () => () => undefined,
      getFeatureReport: () => Promise.reject(new TransportDeviceError('timeout', 'slow')),
      sendOutputReport: () => Promise.reject(new TransportDeviceError('closed', 'gone')),
      setFeatureReport: () => Promise.reject(new Error('other')),
    } as unknown as RemoteDevice;
    const device = asRemoteHidDevice(remote);
    await expect(device.getFeatureReport(1)).rejects.toMatchObject({ code: 'timeout' });
    await expect(device.getFeatureReport(1)).rejects.toBeInstanceOf(RemoteDeviceError);
    await expect(device.sendOutputReport(1, new Uint8Array(1))).rejects.toMatchObject({ code: 'closed' });
    await expect(device.setFeatureReport(1, new Uint8Array(1))).rejects.toThrow('other');
  });

  it('tells onRequest observers of each request and how it ended, failures with their code', async () => {
    const remote = {
      announcement: { vendorId: 1, productId: 2, productName: 'x', collections: [] },
      onInput: () => () => undefined,
      onClose: () => () => undefined,
      getFeatureReport: () => Promise.resolve(Uint8Array.of(7, 8)),
      sendOutputReport: () => Promise.reject(new TransportDeviceError('not-allowed', 'no')),
      setFeatureReport: () => Promise.resolve(),
    } as unknown as RemoteDevice;
    const device = asRemoteHidDevice(remote);
    const seen: string[] = [];
    const stop = device.onRequest!((request) => {
      seen.push(`${request.kind} ${request.reportId} [${[...request.data]}]`);
      return (outcome) =>
        seen.push(outcome.ok ? `ok [${[...outcome.data]}]` : `failed ${outcome.error.code}`);
    });
    await expect(device.getFeatureReport(3)).resolves.toEqual(Uint8Array.of(7, 8));
    await expect(device.sendOutputReport(1, Uint8Array.of(5))).rejects.toMatchObject({ code: 'not-allowed' });
    await device.setFeatureReport(2, Uint8Array.of(9));
    stop();
    await device.setFeatureReport(2, Uint8Array.of(9));
    expect(seen).toEqual([
      'feature-get 3 []',
      'ok [7,8]',
      'output 1 [5]',
      'failed not-allowed',
      'feature-set 2 [9]',
      'ok []',
    ]);
  });
});
