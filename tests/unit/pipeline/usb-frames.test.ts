import { describe, expect, it } from 'vitest';
import { createPipeline } from '../../../src/pipeline/index.ts';
import {
  encodeDeviceGone,
  encodeUsbAnnounce,
  encodeUsbCompletion,
  encodeUsbRequest,
  MAX_USB_FRAME_BYTES,
  UsbLimits,
} from '../../../src/protocol/index.ts';
import { corpusCodec, createLink, hexOf, inputFrame, receiverOnly } from './helpers.ts';

const USB_DEVICE = 2;
const bulk = (length: number, fill: number) => new Uint8Array(length).fill(fill);

/** A request and completion of every USB kind, with the largest transfer the protocol allows. */
function usbFrames(): Uint8Array[] {
  const device = Uint8Array.of(18, 1, 0, 2, 0xff, 0, 0, 64, 0x25, 0x05, 0xa0, 0xa4, 0, 1, 1, 2, 3, 1);
  return [
    encodeUsbAnnounce(USB_DEVICE, {
      activeConfiguration: 1,
      descriptors: [{ type: 1, index: 0, langId: 0, bytes: device }],
    }),
    encodeUsbRequest(USB_DEVICE, {
      kind: 'control',
      requestId: 1,
      setup: { requestType: 0x40, request: 0x5b, value: 0, index: 0, length: 4 },
      data: Uint8Array.of(1, 2, 3, 4),
    }),
    encodeUsbRequest(USB_DEVICE, {
      kind: 'transfer',
      requestId: 2,
      endpoint: 0x01,
      length: UsbLimits.maxTransferBytes,
      data: bulk(UsbLimits.maxTransferBytes, 0x5a),
    }),
    encodeUsbRequest(USB_DEVICE, { kind: 'clear-halt', requestId: 3, endpoint: 0x81 }),
    encodeUsbCompletion(USB_DEVICE, {
      kind: 'completion',
      requestId: 2,
      status: 'ok',
      actualLength: UsbLimits.maxTransferBytes,
      data: bulk(UsbLimits.maxTransferBytes, 0xa5),
    }),
    encodeUsbCompletion(USB_DEVICE, {
      kind: 'completion',
      requestId: 3,
      status: 'stall',
      actualLength: 0,
      data: new Uint8Array(0),
    }),
  ];
}

const codec = corpusCodec('logitech-m105-mouse-usb');

describe('inbound frames that stay valid (Pipeline.inboundViews)', () => {
  it.each([
    ['', true],
    ['bundle(1ms)', true],
    ['bundle(0ms,256)', true],
    ['bundle(1ms),lz4', false],
    ['bundle(1ms),encrypt', false],
    ['seq,bundle(1ms)', false],
    ['coalesce(4ms),bundle(1ms)', false],
  ])("'%s': %s", (spec, views) => {
    expect(createLink(spec).receiver.inboundViews).toBe(views);
  });

  it('with bundle, every delivered frame is a view into the message it came in', () => {
    const seen: Array<{ frame: Uint8Array; message: Uint8Array }> = [];
    let message = new Uint8Array(0);
    const receiver = createPipeline('bundle(1ms)', {
      role: 'receiver',
      onOutbound: () => undefined,
      onInbound: (frame) => seen.push({ frame, message }),
      onError: (error) => {
        throw error;
      },
    });
    const sharer = createPipeline('bundle(1ms)', {
      role: 'sharer',
      onOutbound: (bytes, channel) => {
        message = bytes.slice(); // the link's own buffer per message
        receiver.inbound.push(message, channel);
      },
      onInbound: () => undefined,
      onError: (error) => {
        throw error;
      },
    });
    for (const frame of usbFrames()) sharer.outbound.push(frame);
    sharer.flush();
    expect(seen.length).toBe(usbFrames().length);
    for (const { frame, message: from } of seen) expect(frame.buffer).toBe(from.buffer);
  });
});

describe('USB frames in the pipeline', () => {
  const specs = [
    '',
    'bundle(1ms)',
    'coalesce(10ms),discard(keepalive=500ms,deadband=2),pace(5ms),seq,bundle(1ms),lz4,encrypt',
    'coalesce(4ms,latest),bundle(0ms,256),deflate(impl=fflate)',
  ];
  for (const spec of specs) {
    it(`carries every USB frame byte for byte, in order and reliably, through '${spec}'`, async () => {
      const link = createLink(spec, { codecFor: (device) => (device === 1 ? codec : undefined) });
      const frames = usbFrames();
      for (const frame of frames) link.sharer.outbound.push(frame);
      // A HID mouse beside it keeps its own device stages.
      link.sharer.outbound.push(inputFrame(0, [0, 1, 0, 0]));
      await link.settle();
      const usbAtReceiver = link.atReceiver.filter((frame) => frame[1] === USB_DEVICE);
      expect(usbAtReceiver.map(hexOf)).toEqual(frames.map(hexOf));
      expect(link.errors).toEqual([]);
      // Only the mouse's one input report may take the unreliable channel (with seq).
      expect(link.wire.filter((entry) => entry.channel === 'unreliable').length).toBeLessThanOrEqual(1);
    });
  }

  it('carries USB requests from the receiver back to the sharer', async () => {
    const link = createLink('discard,bundle(1ms)');
    const request = usbFrames()[2]!;
    link.receiver.outbound.push(request);
    await link.settle();
    expect(link.atSharer.map(hexOf)).toEqual([hexOf(request)]);
  });

  it('ends a USB device chain on its DEVICE_GONE like a HID device', async () => {
    const link = createLink('pace(5ms)');
    const [announce] = usbFrames();
    link.sharer.outbound.push(announce!);
    link.sharer.outbound.push(encodeDeviceGone(USB_DEVICE));
    link.sharer.outbound.push(announce!);
    await link.settle();
    expect(link.atReceiver.map((frame) => frame[0])).toEqual([0x20, 0x03, 0x20]);
  });

  it('accepts a USB frame of the largest size and refuses unknown types in the USB range', () => {
    expect(MAX_USB_FRAME_BYTES).toBe(UsbLimits.maxAnnounceBytes);
    const { pipeline, frames, errors } = receiverOnly('');
    const largest = new Uint8Array(MAX_USB_FRAME_BYTES);
    largest[0] = 0x20;
    pipeline.inbound.push(largest, 'reliable');
    pipeline.inbound.push(Uint8Array.of(0x2f, 1), 'reliable');
    expect(frames.map((frame) => frame.length)).toEqual([MAX_USB_FRAME_BYTES]);
    expect(errors.map((error) => error.code)).toEqual(['malformed']);
  });
});
