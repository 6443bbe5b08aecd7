/**
 * The capture of a generic USB device, through a real share back to back (Gadget Zero simulation):
 * the enumeration from the announced descriptors, then every request the receiver sends — a control
 * transfer, an isochronous IN and OUT in alternate 1, a bulk OUT the device stalls, CLEAR_FEATURE for
 * clearHalt — as usbmon submissions and completions, read back by the test's reader and by tshark.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureSink, UsbmonEvent, UsbmonTransfer } from '../../../src/receiver/sinks/capture/index.ts';
import { readCapture } from '../../support/pcapng-reader.ts';
import { tsharkFields } from '../../support/tshark.ts';
import { type Share, share } from '../usb/usb-share-harness.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function capturedShare(): Promise<{ shared: Share; sink: CaptureSink; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-usb-capture-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'usb.pcapng');
  const shared = await share();
  cleanups.push(() => shared.source.close());
  const sink = new CaptureSink({ path: file, usb: true, now: () => 1_700_000_000_000_000 });
  cleanups.push(() => sink.close());
  await sink.prepare();
  await sink.attachUsb!(shared.remote);
  return { shared, sink, file };
}

describe('capturing a shared generic USB device', () => {
  it('records each request and its completion, isochronous packets and errors included', async () => {
    const { shared, sink, file } = await capturedShare();
    const { remote } = shared;
    const device = await remote.controlTransfer({
      requestType: 0x80,
      request: 6,
      value: 0x0100,
      index: 0,
      length: 18,
    });
    expect(device.status).toBe('ok');
    expect((await remote.transferOut(1, Uint8Array.of(9, 9))).status).toBe('stall');
    expect((await remote.clearHalt(0x01)).status).toBe('ok');
    expect((await remote.selectAlternateInterface(0, 1)).status).toBe('ok');
    const isoIn = await remote.isochronousTransferIn(2, [16, 8]);
    expect(isoIn.status).toBe('ok');
    const isoOutData = Uint8Array.from({ length: 12 }, (_, i) => i + 1);
    expect((await remote.isochronousTransferOut(2, isoOutData, [8, 4])).status).toBe('ok');
    await sink.close();

    const { packets } = readCapture(readFileSync(file));
    const urbs = packets.filter((p) => p.header.id > 0n);
    // Each URB: one submission, then one completion with the same id.
    const byId = new Map<bigint, number[]>();
    for (const p of urbs) byId.set(p.header.id, [...(byId.get(p.header.id) ?? []), p.header.type]);
    for (const types of byId.values())
      expect(types).toEqual([UsbmonEvent.submission, UsbmonEvent.completion]);

    const reply = packets.find(
      (p) => p.header.type === UsbmonEvent.completion && [...p.data].join() === [...device.data].join(),
    );
    expect(reply?.header.transferType).toBe(UsbmonTransfer.control);
    const stalled = packets.find(
      (p) => p.header.transferType === UsbmonTransfer.bulk && p.header.type === UsbmonEvent.completion,
    );
    expect(stalled?.header.status).toBe(-32);

    const iso = packets.filter((p) => p.header.transferType === UsbmonTransfer.isochronous);
    expect(iso.map((p) => [String.fromCharCode(p.header.type), p.header.endpoint, p.header.length])).toEqual([
      ['S', 0x82, 24],
      ['C', 0x82, 24],
      ['S', 0x02, 12],
      ['C', 0x02, 12],
    ]);
    expect(iso[1]!.iso.map((d) => [d.status, d.offset, d.length])).toEqual([
      [0, 0, 16],
      [0, 16, 8],
    ]);
    expect([...iso[1]!.data]).toEqual(isoIn.packets.flatMap((p) => [...p.data]));
    expect([...iso[2]!.data]).toEqual([...isoOutData]);

    const rows = await tsharkFields(file, [
      'usb.urb_type',
      'usb.transfer_type',
      'usb.idVendor',
      'usb.setup.bRequest',
      'usb.bmRequestType',
      'usb.iso.numdesc',
      'usb.iso.iso_len',
      'usb.urb_status',
    ]);
    expect(rows.find((row) => row['usb.idVendor'] !== '')?.['usb.idVendor']).toBe('0x0525');
    // CLEAR_FEATURE(ENDPOINT_HALT) to an endpoint, SET_INTERFACE: the commands as the requests they are.
    const requests = rows.filter((row) => row['usb.urb_type'] === "'S'" && row['usb.setup.bRequest'] !== '');
    expect(requests.map((row) => [row['usb.bmRequestType'], row['usb.setup.bRequest']]).slice(-3)).toEqual([
      ['0x80', '6'],
      ['0x02', '1'],
      ['0x01', '11'],
    ]);
    // numdesc twice: the header's iso numdesc and its ndesc count.
    const isoRows = rows.filter((row) => row['usb.transfer_type'] === '0x00');
    expect(isoRows.map((row) => [row['usb.iso.numdesc'], row['usb.iso.iso_len']])).toEqual([
      ['2,2', '16,8'],
      ['2,2', '16,8'],
      ['2,2', '8,4'],
      ['2,2', '8,4'],
    ]);
    expect(rows.some((row) => row['usb.transfer_type'] === '0x03' && row['usb.urb_status'] === '-32')).toBe(
      true,
    );
  });
});
