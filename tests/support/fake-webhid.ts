/**
 * Test-only fake of `navigator.hid` (https://wicg.github.io/webhid/) that behaves like Chrome's
 * implementation, for end-to-end tests on machines without HID devices. It is bundled by
 * bundle-fake.ts and installed by install-fake.ts before any page script runs; the page then sees the
 * fake `HID`, `HIDDevice`, `HIDConnectionEvent` and `HIDInputReportEvent` in place of Chrome's, and tests
 * drive the devices through `window.__ferryFakeHid` (FakeHidControl).
 */
import type { FakeHidConfig, FakeHidControl } from './fake-webhid/config.ts';
import { createControl } from './fake-webhid/control.ts';
import { HIDDevice } from './fake-webhid/device.ts';
import { HIDConnectionEvent, HIDInputReportEvent } from './fake-webhid/events.ts';
import { HID } from './fake-webhid/hid.ts';
import { INTERNAL } from './fake-webhid/internal.ts';
import { FakeHidService } from './fake-webhid/service.ts';

declare global {
  interface Window {
    __ferryFakeHid?: FakeHidControl;
  }
}

/** Replaces a global the way WebIDL defines interface objects: writable, configurable, not enumerable. */
function defineInterface(name: string, value: unknown): void {
  Object.defineProperty(window, name, { value, writable: true, configurable: true, enumerable: false });
}

export function installFakeWebHid(config: FakeHidConfig): void {
  // [SecureContext]: Chrome exposes no `navigator.hid` on insecure origins, so neither does the fake.
  if (!window.isSecureContext) return;
  const service = new FakeHidService(config);
  const hid = new HID(INTERNAL, service);
  // Chrome's `hid` is an accessor on Navigator.prototype, present only in secure contexts.
  Object.defineProperty(Navigator.prototype, 'hid', { get: () => hid, configurable: true, enumerable: true });
  defineInterface('HID', HID);
  defineInterface('HIDDevice', HIDDevice);
  defineInterface('HIDConnectionEvent', HIDConnectionEvent);
  defineInterface('HIDInputReportEvent', HIDInputReportEvent);
  window.__ferryFakeHid = createControl(service);
}
