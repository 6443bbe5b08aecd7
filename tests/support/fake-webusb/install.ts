/** The page-side entry of the fake: replaces `navigator.usb` before any page script runs. */
import { FakeUsb } from './fake-usb.ts';

export interface FakeWebUsbConfig {
  /** Gadget Zeros plugged in at start. */
  readonly gadgetZeros?: number;
}

/** The origin's localStorage, which outlives a reload as Chrome's permission store does. */
function originStorage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

export function installFakeWebUsb(config: FakeWebUsbConfig = {}): FakeUsb {
  const activation = (navigator as Navigator & { userActivation?: { isActive: boolean } }).userActivation;
  const usb = new FakeUsb({
    hasUserActivation: () => activation?.isActive ?? false,
    storage: originStorage(),
  });
  for (let i = 0; i < (config.gadgetZeros ?? 1); i++) usb.plug();
  Object.defineProperty(navigator, 'usb', { value: usb, configurable: true });
  Object.defineProperty(globalThis, '__ferryFakeUsb', { value: usb, configurable: true });
  return usb;
}
