/**
 * Which offered devices a receiver lets in (`--allow` / `--deny`). Deny wins over allow. With no
 * --allow every device not denied is let in.
 *
 * A VID:PID selector names a whole device. Usage and class selectors name its parts (HID top-level
 * collections, USB interfaces): a deny refuses a device when ANY part matches, and an allow admits a
 * device only when EVERY part is allowed — so `--allow usage:01:08` (a 3D mouse) does not let in a
 * combo device that is also a keyboard. Name such a device by VID:PID to take it whole.
 */
import type { DeviceFacts, DevicePart } from './facts.ts';
import { ANY, type DeviceSelector, formatSelector, type NumberOrAny } from './selector.ts';

export type PolicyDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string };

const ALLOWED: PolicyDecision = { allowed: true };

export class DevicePolicy {
  constructor(
    readonly allow: readonly DeviceSelector[] = [],
    readonly deny: readonly DeviceSelector[] = [],
  ) {}

  /** True when the policy lets everything in (no selectors at all). */
  get open(): boolean {
    return this.allow.length === 0 && this.deny.length === 0;
  }

  decide(device: DeviceFacts): PolicyDecision {
    const denied = this.deny.find((selector) => touches(selector, device));
    if (denied) return { allowed: false, reason: `denied by --deny ${formatSelector(denied)}` };
    if (this.allow.length === 0) return ALLOWED;
    if (this.allow.some((selector) => selector.kind === 'ids' && idsMatch(selector, device))) return ALLOWED;
    const uncovered = device.parts.filter(
      (part) => !this.allow.some((selector) => partMatches(selector, part)),
    );
    if (device.parts.length > 0 && uncovered.length === 0) return ALLOWED;
    const list = this.allow.map(formatSelector).join(', ');
    const first = uncovered[0];
    const partly = first !== undefined && uncovered.length < device.parts.length;
    return {
      allowed: false,
      reason: partly
        ? `its ${describePart(first)} is not allowed by --allow ${list}`
        : `not allowed by --allow ${list}`,
    };
  }
}

function matches(wanted: NumberOrAny, actual: number): boolean {
  return wanted === ANY || wanted === actual;
}

function idsMatch(selector: Extract<DeviceSelector, { kind: 'ids' }>, device: DeviceFacts): boolean {
  return matches(selector.vendorId, device.vendorId) && matches(selector.productId, device.productId);
}

function partMatches(selector: DeviceSelector, part: DevicePart): boolean {
  if (selector.kind === 'class') return part.interfaceClass === selector.code;
  if (selector.kind === 'usage')
    return (
      part.usage !== undefined &&
      part.usage.page === selector.page &&
      matches(selector.usage, part.usage.usage)
    );
  return false;
}

/** Whether a deny selector reaches the device: the device itself, any part, or (class) the device class. */
function touches(selector: DeviceSelector, device: DeviceFacts): boolean {
  if (selector.kind === 'ids') return idsMatch(selector, device);
  // bDeviceClass 0 only says "see the interfaces"; it is not a class a selector can mean.
  if (selector.kind === 'class' && device.deviceClass !== 0 && device.deviceClass === selector.code)
    return true;
  return device.parts.some((part) => partMatches(selector, part));
}

function describePart(part: DevicePart): string {
  if (part.usage === undefined)
    return `interface ${formatSelector({ kind: 'class', code: part.interfaceClass })}`;
  return `collection ${formatSelector({ kind: 'usage', page: part.usage.page, usage: part.usage.usage })}`;
}
