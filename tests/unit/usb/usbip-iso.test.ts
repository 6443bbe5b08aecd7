/**
 * Isochronous URBs through Ferry to USB/IP: a TCP URB client selects Gadget Zero's source/sink alternate 1
 * and sends iso IN and OUT URBs with their packet descriptors, as vhci-hcd does (usbip_protocol.rst).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GADGET_ZERO, gadgetZeroPattern } from '../../../src/devices/usb/index.ts';
import {
  IsoPacketDescriptor,
  RetSubmit,
  URB_HEADER_SIZE,
} from '../../../src/receiver/sinks/usbip/layouts.ts';
import { UsbipSink } from '../../../src/receiver/sinks/usbip/sink.ts';
import { TestSocket } from '../sinks/usb-test-socket.ts';
import { importDevice, readRetSubmit, submitRequest } from '../sinks/usbip-test-client.ts';
import { type Share, share } from './usb-share-harness.ts';

interface Packet {
  readonly offset: number;
  readonly length: number;
}

/** CMD_SUBMIT of an iso URB: header, OUT buffer (whole transfer_buffer_length), then the descriptors. */
function isoSubmit(seqnum: number, direction: 0 | 1, packets: readonly Packet[], buffer?: Uint8Array) {
  const transferBufferLength = buffer?.length ?? Math.max(...packets.map((p) => p.offset + p.length));
  const head = submitRequest({
    seqnum,
    direction,
    ep: GADGET_ZERO.isoIn & 0x0f,
    transferBufferLength,
    data: buffer,
    numberOfPackets: packets.length,
  });
  const out = new Uint8Array(head.length + packets.length * IsoPacketDescriptor.size);
  out.set(head);
  for (const [i, packet] of packets.entries()) {
    const at = head.length + i * IsoPacketDescriptor.size;
    IsoPacketDescriptor.encodeInto({ ...packet, actualLength: 0, status: 0 }, out, at);
  }
  return out;
}

async function readIsoReply(socket: TestSocket, withData: boolean) {
  const header = RetSubmit.decode(await socket.read(URB_HEADER_SIZE));
  const data =
    withData && header.actualLength > 0 ? await socket.read(header.actualLength) : new Uint8Array(0);
  const raw = await socket.read(header.numberOfPackets * IsoPacketDescriptor.size);
  const packets = Array.from({ length: header.numberOfPackets }, (_, i) =>
    IsoPacketDescriptor.decode(raw, i * IsoPacketDescriptor.size),
  );
  return { ...header, data, packets };
}

const control = (seqnum: number, bmRequestType: number, bRequest: number, wValue: number) =>
  submitRequest({
    seqnum,
    direction: 0,
    ep: 0,
    transferBufferLength: 0,
    setup: { bmRequestType, bRequest, wValue, wIndex: 0, wLength: 0 },
  });

describe('isochronous URBs over USB/IP to a shared Gadget Zero', () => {
  const sink = new UsbipSink({ port: 0 });
  let shared: Share;
  let socket: TestSocket;

  beforeAll(async () => {
    const { port } = await sink.listen();
    shared = await share();
    await sink.attachUsb(shared.remote);
    socket = await TestSocket.open(port);
    expect((await importDevice(socket, '1-1')).op.status).toBe(0);
    socket.write(control(1, 0x00, 9, GADGET_ZERO.sourceSinkConfiguration)); // SET_CONFIGURATION 3
    expect((await readRetSubmit(socket)).status).toBe(0);
    socket.write(control(2, 0x01, 11, 1)); // SET_INTERFACE 0, alternate 1
    expect((await readRetSubmit(socket)).status).toBe(0);
  });
  afterAll(async () => {
    socket.destroy();
    await sink.close();
    await shared.source.close();
  });

  it('an iso IN URB of 8 packets returns the source pattern packed, with per-packet lengths', async () => {
    const lengths = [1024, 1024, 512, 512, 256, 100, 64, 3];
    const packets = lengths.map((length, i) => ({ offset: i * 1024, length }));
    socket.write(isoSubmit(10, 1, packets));
    const reply = await readIsoReply(socket, true);
    const total = lengths.reduce((sum, n) => sum + n, 0);
    expect(reply).toMatchObject({
      seqnum: 10,
      status: 0,
      actualLength: total,
      numberOfPackets: 8,
      errorCount: 0,
    });
    expect(reply.packets).toEqual(
      packets.map((packet) => ({ ...packet, actualLength: packet.length, status: 0 })),
    );
    const expected = new Uint8Array(total);
    let at = 0;
    for (const length of lengths) {
      expected.set(gadgetZeroPattern(length, 0, GADGET_ZERO.isoPacketSize), at);
      at += length;
    }
    expect(reply.data).toEqual(expected);
  });

  it('an iso OUT URB completes with per-packet status and actual lengths, and no data', async () => {
    const packets = [
      { offset: 0, length: 1024 },
      { offset: 1024, length: 10 },
      { offset: 2048, length: 1024 },
      { offset: 3072, length: 0 },
    ];
    socket.write(isoSubmit(11, 0, packets, new Uint8Array(4096).fill(7)));
    const reply = await readIsoReply(socket, false);
    expect(reply).toMatchObject({
      seqnum: 11,
      status: 0,
      actualLength: 2058,
      numberOfPackets: 4,
      errorCount: 0,
    });
    expect(reply.packets).toEqual(
      packets.map((packet) => ({ ...packet, actualLength: packet.length, status: 0 })),
    );
  });

  it('a packet outside the transfer buffer fails the URB with -EINVAL and every descriptor', async () => {
    const packets = [
      { offset: 0, length: 8 },
      { offset: 8, length: 16 },
    ];
    socket.write(isoSubmit(12, 0, packets, new Uint8Array(16)));
    const reply = await readIsoReply(socket, false);
    expect(reply).toMatchObject({
      seqnum: 12,
      status: -22,
      actualLength: 0,
      numberOfPackets: 2,
      errorCount: 2,
    });
    expect(reply.packets.map((p) => p.status)).toEqual([-22, -22]);
  });

  it('back in alternate 0 the sharer refuses the endpoint: -EPROTO with descriptors, stream stays in step', async () => {
    socket.write(control(13, 0x01, 11, 0));
    expect((await readRetSubmit(socket)).status).toBe(0);
    socket.write(
      isoSubmit(14, 1, [
        { offset: 0, length: 64 },
        { offset: 64, length: 64 },
      ]),
    );
    const reply = await readIsoReply(socket, true);
    expect(reply).toMatchObject({
      seqnum: 14,
      status: -71,
      actualLength: 0,
      numberOfPackets: 2,
      errorCount: 2,
    });
    // The next URB's reply decodes where it should: the descriptors were all sent.
    socket.write(submitRequest({ seqnum: 15, direction: 1, ep: 1, transferBufferLength: 8 }));
    expect(await readRetSubmit(socket)).toMatchObject({ seqnum: 15, status: 0, data: gadgetZeroPattern(8) });
  });
});
