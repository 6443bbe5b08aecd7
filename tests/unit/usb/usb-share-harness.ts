/** A generic USB share back to back in one process: RemoteUsbDevice ⇄ frames ⇄ WebUsbSource ⇄ simulation. */
import {
  SimulatedUsbDevice,
  WebUsbSource,
  type WebUsbSourceOptions,
} from '../../../src/devices/usb/index.ts';
import { decodeFrame, type UsbMessage } from '../../../src/protocol/index.ts';
import { RemoteUsbDevice, type RemoteUsbDeviceOptions } from '../../../src/transport/usb-remote-device.ts';
import { UsbSharerChannel } from '../../../src/transport/usb-sharer-channel.ts';

function usbMessage(frame: Uint8Array): UsbMessage {
  const decoded = decodeFrame(frame);
  if (decoded.type !== 'usb') throw new Error(`not a USB frame: ${decoded.type}`);
  return decoded.message;
}

export interface Share {
  readonly device: SimulatedUsbDevice;
  readonly source: WebUsbSource;
  readonly remote: RemoteUsbDevice;
  readonly usb: EventTarget;
  unplug(): void;
}

export async function share(
  options: {
    source?: WebUsbSourceOptions;
    remote?: RemoteUsbDeviceOptions;
    device?: SimulatedUsbDevice;
  } = {},
): Promise<Share> {
  const device = options.device ?? new SimulatedUsbDevice();
  const usb = new EventTarget();
  const source = await WebUsbSource.open(device, { usb, ...options.source });
  // Every hop is asynchronous, as on a data channel, so completions can overtake each other. Frames are
  // borrowed (the senders reuse their buffers), so each hop copies, as RTCDataChannel.send does; the
  // sharer's received request is overwritten once it has been handled (borrowed at that end too).
  const remoteHolder: { remote?: RemoteUsbDevice } = {};
  const channel = new UsbSharerChannel(0, source, (frame) => {
    const copy = frame.slice();
    setTimeout(() => {
      const message = usbMessage(copy);
      if (message.kind === 'completion' || message.kind === 'iso-completion')
        remoteHolder.remote?.deliver(message);
    });
  });
  const announce = usbMessage(channel.announceFrame());
  if (announce.kind !== 'announce') throw new Error('expected an announcement');
  const remote = new RemoteUsbDevice(
    0,
    announce,
    (frame) => {
      const copy = frame.slice();
      setTimeout(() => {
        channel.receive(usbMessage(copy));
        // The request is borrowed, like a message a decrypting stage reuses: whatever the sharer needs
        // of it later, it must have copied by now.
        copy.fill(0xee);
      });
    },
    options.remote,
  );
  remoteHolder.remote = remote;
  const unplug = () => {
    device.unplug();
    usb.dispatchEvent(Object.assign(new Event('disconnect'), { device }));
  };
  return { device, source, remote, usb, unplug };
}
