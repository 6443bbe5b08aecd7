import {
  CONSUMER,
  DIGITIZER,
  GAME_CONTROLS,
  GENERIC_DESKTOP,
  keyboardUsageName,
  LED,
  PAGE_NAMES,
  SIMULATION,
} from './usage-tables.ts';

const PAGE_BUTTON = 0x09;
const PAGE_KEYBOARD = 0x07;
const PAGE_ORDINAL = 0x0a;

const TABLES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: GENERIC_DESKTOP,
  2: SIMULATION,
  5: GAME_CONTROLS,
  8: LED,
  12: CONSUMER,
  13: DIGITIZER,
};

export function usagePageName(page: number): string {
  if (page >= 0xff00) return `Vendor 0x${hex(page, 4)}`;
  return PAGE_NAMES[page] ?? `Page 0x${hex(page, 4)}`;
}

/**
 * A label for the UI, e.g. "Generic Desktop / X", "Button 3", "Keyboard / A", "Vendor 0xFF00 / 0x0001".
 * `usage` is WebHID's 32-bit form (page in the upper 16 bits); pass `page` to name a 16-bit usage ID.
 */
export function usageName(usage: number, page = usage >>> 16): string {
  const id = usage & 0xffff;
  if (page === PAGE_BUTTON) return id === 0 ? 'No Button' : `Button ${id}`;
  if (page === PAGE_ORDINAL) return `Instance ${id}`;
  const name = page === PAGE_KEYBOARD ? keyboardUsageName(id) : TABLES[page]?.[id];
  return `${usagePageName(page)} / ${name ?? `0x${hex(id, 4)}`}`;
}

function hex(value: number, digits: number): string {
  return value.toString(16).toUpperCase().padStart(digits, '0');
}
