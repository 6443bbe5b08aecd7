/**
 * `ferry receive --capture FILE` as a real process, read back by Debian's real tshark: a corpus HID
 * device (DualShock 3) and a generic USB device (Gadget Zero) shared by a Node sharer, driven through
 * the usbip sink by a USB/IP client, and the file's usbmon records decoded by Wireshark's dissectors —
 * the descriptors, the HID report descriptor, every input report's bytes, SET_REPORT/GET_REPORT with
 * their SETUP packets and replies, the host's own control transfer and its bulk data both ways.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wrtc from '@roamhq/wrtc';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createFerryServer } from '../../signaling/index.ts';
import { SimulatedHidDevice, WebHidSource } from '../../src/devices/index.ts';
import { GADGET_ZERO, SimulatedUsbDevice, WebUsbSource } from '../../src/devices/usb/index.ts';
import { collectionsFromDescriptor } from '../../src/hid/index.ts';
import type { CollectionBody } from '../../src/protocol/index.ts';
import { LINKTYPE_USB_LINUX_MMAPPED } from '../../src/receiver/sinks/capture/index.ts';
import {
  SharerSession,
  SignalingClient,
  simplePeerLinks,
  type WebSocketConstructor,
} from '../../src/transport/index.ts';
import { cleanupAfterEach } from '../support/cleanups.ts';
import { loadCorpusDevice } from '../support/corpus.ts';
import { type FerryProcess, startFerryReceive } from '../support/ferry-process.ts';
import { readCapture } from '../support/pcapng-reader.ts';
import { tsharkFields } from '../support/tshark.ts';
import { usbipLoopback } from '../support/usbip-loopback.ts';
import { TestSocket } from '../unit/sinks/usb-test-socket.ts';
import { importDevice, readRetSubmit, submitRequest } from '../unit/sinks/usbip-test-client.ts';

const SECRET = 'C'.repeat(22);
const defer = cleanupAfterEach();

function receiveProcess(args: string[]): FerryProcess {
  const ferry = startFerryReceive(args);
  defer(() => ferry.child.kill('SIGKILL'));
  return ferry;
}

function scratchFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-capture-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

async function sharer(add: (sharer: SharerSession) => Promise<void>) {
  const server = await createFerryServer({ port: 0 });
  defer(() => server.close());
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  await signaling.connect(`ws://localhost:${server.port}/signal`);
  const session = new SharerSession({
    signaling,
    links: simplePeerLinks(wrtc),
    iceServers: [],
    name: 'desk',
    auth: { link: SECRET },
    approval: 'anyone',
    anyonePermission: 'full',
  });
  defer(() => session.close());
  await add(session);
  const { sessionId } = await session.host();
  return { session, link: `http://localhost:${server.port}/s/${sessionId}#${SECRET}` };
}

/** `ferry receive LINK --sink log --sink usbip --capture FILE`, USB/IP on a free port. */
function captureReceiver(link: string, name: string) {
  const file = scratchFile(name);
  const args = ['--sink', 'log', '--sink', 'usbip', '--usbip-port', '0', '--capture', file];
  return { file, ferry: receiveProcess([link, ...args]) };
}

async function usbipPort(ferry: FerryProcess): Promise<number> {
  const pattern = /usbip: exported 1-1 on 127\.0\.0\.1:(\d+)/;
  await expect.poll(() => ferry.stderr.some((line) => pattern.test(line)), { timeout: 20_000 }).toBe(true);
  return Number(ferry.stderr.map((line) => line.match(pattern)).find((m) => m !== null)![1]);
}

const hex = (bytes: ArrayLike<number>) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
/** The bytes after the 64-byte usbmon header of a frame (1-based, as tshark numbers them). */
const payloadOf = (file: string, frame: number) => [
  ...readCapture(readFileSync(file)).packets[frame - 1]!.data,
];

/** A SET_REPORT then a GET_REPORT, as a host's HID driver would send them over USB/IP. */
async function hostReportRequests(port: number, output: Uint8Array, feature: Uint8Array) {
  const socket = await TestSocket.open(port);
  defer(() => socket.destroy());
  expect((await importDevice(socket, '1-1')).op.status).toBe(0);
  const setReport = (seqnum: number, type: number, framed: Uint8Array) =>
    submitRequest({
      seqnum,
      direction: 0,
      ep: 0,
      transferBufferLength: framed.length,
      data: framed,
      setup: {
        bmRequestType: 0x21,
        bRequest: 0x09,
        wValue: (type << 8) | framed[0]!,
        wIndex: 0,
        wLength: framed.length,
      },
    });
  socket.write(setReport(1, 2, output));
  expect((await readRetSubmit(socket, 0)).status).toBe(0);
  socket.write(setReport(2, 3, feature));
  expect((await readRetSubmit(socket, 0)).status).toBe(0);
  socket.write(
    submitRequest({
      seqnum: 3,
      direction: 1,
      ep: 0,
      transferBufferLength: feature.length,
      setup: {
        bmRequestType: 0xa1,
        bRequest: 0x01,
        wValue: 0x0300 | feature[0]!,
        wIndex: 0,
        wLength: feature.length,
      },
    }),
  );
  const reply = await readRetSubmit(socket);
  expect(reply.status).toBe(0);
  return reply.data;
}

describe('ferry receive --capture', () => {
  it('a corpus HID device: tshark decodes its descriptors, every input report and SET/GET_REPORT', async () => {
    const corpus = loadCorpusDevice('sony-dualshock3-usb');
    const collections = collectionsFromDescriptor(corpus.descriptor);
    const device = new SimulatedHidDevice({
      vendorId: corpus.vendorId,
      productId: corpus.productId,
      productName: corpus.name,
      collections: collections as unknown as CollectionBody[],
    });
    await device.open();
    const outputs: number[][] = [];
    device.addEventListener('output', (event) => {
      outputs.push([...(event as unknown as { data: Uint8Array }).data]);
    });
    const { session, link } = await sharer(async (s) => {
      s.addDevice(await WebHidSource.open(device as unknown as HIDDevice, new EventTarget()));
    });
    const { ferry, file } = captureReceiver(link, 'dualshock.pcapng');
    await ferry.waitForLine((line) => line.startsWith('I: '));
    const port = await usbipPort(ferry);
    const reports = corpus.recording.slice(0, 20).map((r) => r.report);
    for (const report of reports) device.emitInput(report[0]!, report.subarray(1));
    await expect
      .poll(() => ferry.stdout.filter((l) => l.startsWith('E: ')).length, { timeout: 15_000 })
      .toBe(reports.length);
    // Output report 1 and feature report 2 of the DualShock 3 are 48 bytes each, after the id byte.
    const output = Uint8Array.from({ length: 49 }, (_, i) => (i === 0 ? 1 : (i * 7) & 0xff));
    const feature = Uint8Array.from({ length: 49 }, (_, i) => (i === 0 ? 2 : (0xa0 + i) & 0xff));
    const got = await hostReportRequests(port, output, feature);
    expect([...got]).toEqual([...feature]);
    expect(outputs).toEqual([[...output.subarray(1)]]);
    session.close();
    expect(await ferry.exited).toBe(0);

    expect(readCapture(readFileSync(file)).linkType).toBe(LINKTYPE_USB_LINUX_MMAPPED);
    const rows = await tsharkFields(file, [
      'frame.number',
      'usb.urb_type',
      'usb.transfer_type',
      'usb.endpoint_address',
      'usb.bDescriptorType',
      'usb.idVendor',
      'usb.idProduct',
      'usb.bInterfaceClass',
      'usb.bmRequestType',
      'usbhid.setup.bRequest',
      'usbhid.setup.ReportType',
      'usbhid.setup.ReportID',
      'usb.data_fragment',
      'usbhid.data',
      'usbhid.item.bTag',
      'usb.request_in',
    ]);
    const device_ = rows.find((row) => row['usb.idVendor'] !== '');
    expect(device_).toMatchObject({
      'usb.bDescriptorType': '0x01',
      'usb.idVendor': '0x054c',
      'usb.idProduct': '0x0268',
    });
    expect(
      rows.some(
        (row) => row['usb.bDescriptorType'].startsWith('0x02') && row['usb.bInterfaceClass'] === '0x03',
      ),
    ).toBe(true);
    // The HID report descriptor: Wireshark parses its items, and the bytes are the R: line's.
    const descriptorFrame = rows.find((row) => row['usbhid.item.bTag'] !== '');
    expect(descriptorFrame).toBeDefined();
    const rLine = ferry.stdout.find((line) => line.startsWith('R: '))!;
    const rBytes = rLine.split(' ').slice(2).join('');
    expect(hex(payloadOf(file, Number(descriptorFrame!['frame.number'])))).toBe(rBytes);
    // Every input report, byte-exact, as an interrupt IN completion on 0x81.
    const inputs = rows.filter((row) => row['usb.transfer_type'] === '0x01');
    expect(
      inputs.every((row) => row['usb.urb_type'] === "'C'" && row['usb.endpoint_address'] === '0x81'),
    ).toBe(true);
    expect(inputs.map((row) => row['usbhid.data'])).toEqual(reports.map(hex));
    // SET_REPORT(Output 1), SET_REPORT(Feature 2) with their data; GET_REPORT(Feature 2) and its reply.
    const requests = rows.filter((row) => row['usbhid.setup.bRequest'] !== '');
    expect(
      requests.map((row) => [
        row['usb.bmRequestType'],
        row['usbhid.setup.bRequest'],
        row['usbhid.setup.ReportType'],
        row['usbhid.setup.ReportID'],
      ]),
    ).toEqual([
      ['0x21', '0x09', '2', '1'],
      ['0x21', '0x09', '3', '2'],
      ['0xa1', '0x01', '3', '2'],
    ]);
    expect(requests.slice(0, 2).map((row) => row['usb.data_fragment'])).toEqual([hex(output), hex(feature)]);
    const getReport = requests[2]!['frame.number'];
    const reply = rows.find((row) => row['usb.request_in'] === getReport);
    expect(reply?.['usb.urb_type']).toBe("'C'");
    expect(hex(payloadOf(file, Number(reply!['frame.number'])))).toBe(hex(feature));
  });

  it('a generic USB device: tshark decodes its descriptors, the host SET_CONFIGURATION and bulk data', async () => {
    const { link } = await sharer(async (s) => {
      const source = await WebUsbSource.open(new SimulatedUsbDevice());
      defer(() => source.close());
      s.addUsbDevice(source);
    });
    const { ferry, file } = captureReceiver(link, 'gadget-zero.pcapng');
    const port = await usbipPort(ferry);
    const chunks = [512, 1000, 64].map((length, n) =>
      Uint8Array.from({ length }, (_, i) => (i * 13 + n) & 0xff),
    );
    const { echoed } = await usbipLoopback(port, '1-1', chunks);
    expect(echoed).toEqual(chunks);
    ferry.child.kill('SIGINT');
    expect(await ferry.exited).toBe(0);

    const rows = await tsharkFields(file, [
      'usb.urb_type',
      'usb.transfer_type',
      'usb.endpoint_address',
      'usb.idVendor',
      'usb.idProduct',
      'usb.bDescriptorType',
      'usb.bInterfaceClass',
      'usb.bmRequestType',
      'usb.setup.bRequest',
      'usb.bConfigurationValue',
      'usb.capdata',
    ]);
    expect(rows.find((row) => row['usb.idVendor'] !== '')).toMatchObject({
      'usb.bDescriptorType': '0x01',
      'usb.idVendor': '0x0525',
      'usb.idProduct': '0xa4a0',
    });
    expect(rows.some((row) => row['usb.bInterfaceClass'].split(',').includes('0xff'))).toBe(true);
    // The USB/IP host's SET_CONFIGURATION (the loopback configuration), with its SETUP packet decoded.
    const setConfiguration = rows.filter(
      (row) => row['usb.setup.bRequest'] === '9' && row['usb.urb_type'] === "'S'",
    );
    expect(
      setConfiguration.map((row) => [row['usb.bmRequestType'], row['usb.bConfigurationValue']]).at(-1),
    ).toEqual(['0x00', String(GADGET_ZERO.loopbackConfiguration)]);
    const bulk = rows.filter((row) => row['usb.transfer_type'] === '0x03');
    const outs = bulk.filter(
      (row) => row['usb.urb_type'] === "'S'" && row['usb.endpoint_address'] === '0x01',
    );
    const ins = bulk.filter((row) => row['usb.urb_type'] === "'C'" && row['usb.endpoint_address'] === '0x81');
    expect(outs.map((row) => row['usb.capdata'])).toEqual(chunks.map(hex));
    expect(ins.map((row) => row['usb.capdata']).sort()).toEqual(chunks.map(hex).sort());
  });

  it('fails before pairing, with the reason, when the file cannot be written', async () => {
    const ferry = receiveProcess(['7-amber-falcon', '--capture', '/nonexistent/dir/out.pcapng']);
    expect(await ferry.exited).toBe(1);
    expect(ferry.stderr.join('\n')).toMatch(/cannot write the capture to \/nonexistent\/dir\/out\.pcapng/);
  });
});
