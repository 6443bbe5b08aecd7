import { describe, expect, it } from 'vitest';
import {
  decodeUhidEvent,
  encodeUhidEvent,
  UHID_EVENT_SIZE,
  type UhidChannel,
  type UhidEvent,
  UhidSink,
  UhidStartTimeoutError,
  UhidUnavailableError,
} from '../../../src/receiver/sinks/uhid/index.ts';
import {
  FAILING_FEATURE_ID,
  FakeRemoteDevice,
  featurePattern,
  loadCorpusEntry,
} from '../../vm/fake-remote-device.ts';

/** The kernel side of /dev/uhid, in memory: records what the sink writes, lets tests send events. */
class FakeKernel implements UhidChannel {
  readonly written: UhidEvent[] = [];
  closed = false;
  private listener: (event: Uint8Array) => void = () => undefined;
  private waiters: (() => void)[] = [];

  write(event: Uint8Array): void {
    this.written.push(decodeUhidEvent(event.slice()));
    for (const wake of this.waiters.splice(0)) wake();
  }
  onEvent(listener: (event: Uint8Array) => void): void {
    this.listener = listener;
  }
  onError(): void {}
  close(): void {
    this.closed = true;
  }
  send(event: UhidEvent): void {
    const full = new Uint8Array(UHID_EVENT_SIZE);
    full.set(encodeUhidEvent(event));
    this.listener(full);
  }
  async next(type: UhidEvent['type']): Promise<UhidEvent> {
    for (;;) {
      const found = this.written.find((event) => event.type === type);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

async function attached(corpusId: string, options: { autoStart?: boolean; requestTimeoutMs?: number } = {}) {
  const kernel = new FakeKernel();
  const device = new FakeRemoteDevice(loadCorpusEntry(corpusId));
  const errors: Error[] = [];
  const sink = new UhidSink({
    openChannel: async () => kernel,
    hidrawWaitMs: 0,
    startTimeoutMs: 50,
    requestTimeoutMs: options.requestTimeoutMs ?? 2_000,
    onError: (error) => errors.push(error),
  });
  const attaching = sink.attach(device);
  await kernel.next('create2');
  const numbered = device.info.usesReportIds ? 7 : 0;
  if (options.autoStart !== false) kernel.send({ type: 'start', devFlags: numbered });
  return { kernel, device, sink, errors, attaching };
}

describe('UhidSink', () => {
  it('creates the device from the share and resolves on UHID_START', async () => {
    const { kernel, device, attaching } = await attached('sony-dualshock3-usb');
    await attaching;
    expect(kernel.written[0]).toMatchObject({
      type: 'create2',
      bus: 3,
      vendor: 0x054c,
      product: 0x0268,
      descriptor: device.info.reportDescriptor,
    });
  });

  it('rejects with a hint when no driver starts the device, and destroys it', async () => {
    const { kernel, attaching } = await attached('sony-dualshock3-usb', { autoStart: false });
    await expect(attaching).rejects.toThrow(UhidStartTimeoutError);
    expect(kernel.closed).toBe(true);
  });

  it('sends input reports with the report id prefixed only for numbered devices', async () => {
    const numbered = await attached('sony-dualshock3-usb');
    await numbered.attaching;
    numbered.device.emitRecordedReport(Uint8Array.of(1, 0xaa, 0xbb));
    expect(numbered.kernel.written.at(-1)).toEqual({ type: 'input2', data: Uint8Array.of(1, 0xaa, 0xbb) });
    const plain = await attached('namtai-wbuzz-usb');
    await plain.attaching;
    plain.device.emitRecordedReport(Uint8Array.of(0, 0, 0x80, 0xf0));
    expect(plain.kernel.written.at(-1)).toEqual({ type: 'input2', data: Uint8Array.of(0, 0, 0x80, 0xf0) });
  });

  it('forwards UHID_OUTPUT to sendOutputReport with the id split off', async () => {
    const { kernel, device, attaching } = await attached('sony-dualshock3-usb');
    await attaching;
    kernel.send({ type: 'output', reportType: 1, data: Uint8Array.of(1, 0x10, 0x20) });
    await Promise.resolve();
    expect(device.recorded).toContainEqual({ kind: 'output', reportId: 1, hex: '1020' });
  });

  it('answers GET_REPORT(Feature) with the same request id and the report id prefixed', async () => {
    const { kernel, attaching } = await attached('sony-dualshock3-usb');
    await attaching;
    kernel.send({ type: 'get-report', id: 77, reportNumber: 0xf2, reportType: 0 });
    const reply = await kernel.next('get-report-reply');
    expect(reply).toEqual({
      type: 'get-report-reply',
      id: 77,
      err: 0,
      data: Uint8Array.of(0xf2, ...featurePattern(0xf2, 16)),
    });
  });

  it('answers EIO when the device fails, never answers, or the report type cannot be read', async () => {
    const { kernel, errors, attaching } = await attached('sony-dualshock3-usb', { requestTimeoutMs: 20 });
    await attaching;
    kernel.send({ type: 'get-report', id: 1, reportNumber: FAILING_FEATURE_ID, reportType: 0 });
    kernel.send({ type: 'get-report', id: 2, reportNumber: 0xf1, reportType: 0 });
    kernel.send({ type: 'get-report', id: 3, reportNumber: 1, reportType: 2 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    const replies = kernel.written.filter((event) => event.type === 'get-report-reply');
    expect(replies).toEqual(
      expect.arrayContaining(
        [1, 2, 3].map((id) => ({ type: 'get-report-reply', id, err: 5, data: new Uint8Array(0) })),
      ),
    );
    expect(errors.map((error) => error.name)).toEqual(['RemoteDeviceError', 'RemoteDeviceError']);
  });

  it('forwards SET_REPORT(Feature) and acknowledges it with the same id', async () => {
    const { kernel, device, attaching } = await attached('sony-dualshock3-usb');
    await attaching;
    kernel.send({
      type: 'set-report',
      id: 9,
      reportNumber: 0xf4,
      reportType: 0,
      data: Uint8Array.of(0xf4, 0x42, 0x02),
    });
    expect(await kernel.next('set-report-reply')).toEqual({ type: 'set-report-reply', id: 9, err: 0 });
    expect(device.recorded).toContainEqual({ kind: 'set-feature', reportId: 0xf4, hex: '4202' });
  });

  it('destroys the device when the share ends, and every device when the sink closes', async () => {
    const first = await attached('sony-dualshock3-usb');
    await first.attaching;
    first.device.close();
    expect(first.kernel.written.at(-1)).toEqual({ type: 'destroy' });
    expect(first.kernel.closed).toBe(true);
    const second = await attached('namtai-wbuzz-usb');
    await second.attaching;
    await second.sink.close();
    expect(second.kernel.closed).toBe(true);
  });

  it('explains a missing /dev/uhid', async () => {
    const sink = new UhidSink({ path: '/nonexistent/uhid' });
    const device = new FakeRemoteDevice(loadCorpusEntry('namtai-wbuzz-usb'));
    await expect(sink.attach(device)).rejects.toThrow(UhidUnavailableError);
    await expect(sink.attach(device)).rejects.toThrow(/modprobe uhid/);
  });
});
