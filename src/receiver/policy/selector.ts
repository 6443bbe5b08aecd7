/**
 * Device selectors for `ferry receive --allow / --deny`, in hex like lsusb and hid-tools print them:
 *
 *   VID:PID          a whole device by USB ids: 046d:c626; either side may be *: 046d:*
 *   usage:PAGE:ID    a HID top-level collection: usage:01:05 (Generic Desktop / Game Pad); ID may be *
 *   class:XX         a USB interface class: class:03 (HID), class:08 (mass storage), class:ff (vendor)
 *
 * Each number is 1–4 hex digits (2 for a class), with an optional 0x. `formatSelector` writes the
 * canonical form (lower case, zero-padded), which is what refusal messages quote.
 */
import { SelectorError } from './errors.ts';

export const ANY = '*';
export type NumberOrAny = number | typeof ANY;

export type DeviceSelector =
  | { readonly kind: 'ids'; readonly vendorId: NumberOrAny; readonly productId: NumberOrAny }
  | { readonly kind: 'usage'; readonly page: number; readonly usage: NumberOrAny }
  | { readonly kind: 'class'; readonly code: number };

const SHAPES = 'use VID:PID (046d:c626, 046d:*), usage:PAGE:USAGE (usage:01:05) or class:XX (class:03)';

/** Parses one selector, or throws SelectorError saying what is wrong with it. */
export function parseSelector(text: string): DeviceSelector {
  const trimmed = text.trim();
  if (trimmed === '') throw new SelectorError('empty', text, `empty device selector; ${SHAPES}`);
  const parts = trimmed.split(':');
  const kind = parts[0]!.toLowerCase();
  const number = (part: string | undefined, what: string, digits: number) =>
    hexNumber(text, part ?? '', what, digits);
  const numberOrAny = (part: string | undefined, what: string) =>
    part === ANY ? ANY : number(part, what, 4);
  if (kind === 'usage') {
    expectParts(text, parts, 3, 'usage:PAGE:USAGE, e.g. usage:01:05');
    return { kind: 'usage', page: number(parts[1], 'usage page', 4), usage: numberOrAny(parts[2], 'usage') };
  }
  if (kind === 'class') {
    expectParts(text, parts, 2, 'class:XX, e.g. class:03');
    return { kind: 'class', code: number(parts[1], 'interface class', 2) };
  }
  if (parts.length === 2) {
    return {
      kind: 'ids',
      vendorId: numberOrAny(parts[0], 'vendor id'),
      productId: numberOrAny(parts[1], 'product id'),
    };
  }
  if (parts.length > 1 && /^[a-z]+$/i.test(parts[0]!))
    throw new SelectorError(
      'unknown-kind',
      text,
      `unknown selector kind '${parts[0]}' in '${text}'; ${SHAPES}`,
    );
  throw new SelectorError('malformed', text, `'${text}' is not a device selector; ${SHAPES}`);
}

/** Several selectors separated by commas (one --allow may carry a list). */
export function parseSelectorList(text: string): DeviceSelector[] {
  return text.split(',').map((part) => parseSelector(part));
}

export function formatSelector(selector: DeviceSelector): string {
  switch (selector.kind) {
    case 'ids':
      return `${formatNumber(selector.vendorId, 4)}:${formatNumber(selector.productId, 4)}`;
    case 'usage':
      return `usage:${formatNumber(selector.page, 2)}:${formatNumber(selector.usage, 2)}`;
    case 'class':
      return `class:${formatNumber(selector.code, 2)}`;
  }
}

function formatNumber(value: NumberOrAny, digits: number): string {
  return value === ANY ? ANY : value.toString(16).padStart(digits, '0');
}

function expectParts(text: string, parts: readonly string[], count: number, shape: string): void {
  if (parts.length !== count)
    throw new SelectorError('malformed', text, `'${text}' has ${parts.length - 1} ':'; expected ${shape}`);
}

function hexNumber(text: string, part: string, what: string, maxDigits: number): number {
  const digits = part.replace(/^0x/i, '');
  if (!/^[0-9a-f]+$/i.test(digits))
    throw new SelectorError('bad-hex', text, `${what} '${part}' in '${text}' is not hexadecimal (e.g. 046d)`);
  // Leading zeros are harmless (0003); the value must still fit.
  const value = Number.parseInt(digits, 16);
  if (value >= 16 ** maxDigits)
    throw new SelectorError(
      'out-of-range',
      text,
      `${what} '${part}' in '${text}' does not fit in ${maxDigits} hex digits`,
    );
  return value;
}
