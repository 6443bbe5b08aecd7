/** Real devices (`ferry share <selector>`): live from the start, shared until the last one is unplugged. */
import type { HidSource } from '../devices/index.ts';
import type { SharedUsbSource } from '../transport/index.ts';
import type { SharedDevices } from './share.ts';

export interface ClosableUsbSource extends SharedUsbSource {
  close(): Promise<void>;
}

export function liveDevices(hid: readonly HidSource[], usb: readonly ClosableUsbSource[]): SharedDevices {
  const endListeners: Array<(reason: string) => void> = [];
  let left = hid.length + usb.length;
  const unplugged = () => {
    left -= 1;
    if (left === 0) for (const listener of endListeners) listener('every shared device is gone');
  };
  for (const source of [...hid, ...usb]) source.onDisconnect(unplugged);
  return {
    addTo(session) {
      for (const source of hid) session.addDevice(source);
      for (const source of usb) session.addUsbDevice(source);
    },
    start: () => undefined,
    onEnd: (listener) => void endListeners.push(listener),
    close: async () => {
      await Promise.all([...hid, ...usb].map((source) => source.close()));
    },
  };
}
