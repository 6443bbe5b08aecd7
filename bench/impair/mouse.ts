/**
 * The impaired part's device: a 64-byte mouse report whose every field tells the receiver something.
 *
 *   bytes  0–7   constant padding (the bare and relay paths put the sharer's stamp here, f64 LE)
 *   bytes  8–11  constant padding (the window's tag, u32 LE, on every path)
 *   bytes 12–15  Generic Desktop Slider, absolute 32-bit: the report's sequence number
 *   byte  16     buttons 1–8, one bit each
 *   bytes 17–20  X, Y: relative, 16-bit signed (X is +1 in every report, so ΣX counts the motion delivered)
 *   bytes 21–63  constant padding
 *
 * Ferry's HID engine sees buttons (edges), relative X/Y (motion) and an absolute axis (latest wins);
 * the padding is constant. Button 1 is tapped for exactly one report every TAP_EVERY reports (one lost
 * report loses that click on a path without retransmission); button 2 is held and released every
 * HOLD_EVERY reports. Each window starts and ends with both released.
 */
import { collectionsFromDescriptor } from '../../src/hid/index.ts';
import type { CollectionBody } from '../../src/protocol/index.ts';

export const MOUSE_REPORT_BYTES = 64;
export const STAMP_OFFSET = 0;
export const TAG_OFFSET = 8;
export const SEQ_OFFSET = 12;
export const BUTTONS_OFFSET = 16;
export const X_OFFSET = 17;
export const TAP_EVERY = 50;
export const HOLD_EVERY = 250;

// prettier-ignore
export const MOUSE_DESCRIPTOR = Uint8Array.from([
  0x05,
  0x01,
  0x09,
  0x02,
  0xa1,
  0x01, // Usage Page (Generic Desktop), Usage (Mouse), Collection (Application)
  0x09,
  0x01,
  0xa1,
  0x00, //               Usage (Pointer), Collection (Physical)
  0x75,
  0x08,
  0x95,
  0x0c,
  0x81,
  0x01, //     12 bytes constant (stamp, tag)
  0x09,
  0x36,
  0x15,
  0x00,
  0x27,
  0xff,
  0xff,
  0xff,
  0x7f, // Slider, logical 0 … 2³¹−1
  0x75,
  0x20,
  0x95,
  0x01,
  0x81,
  0x02, //     one 32-bit Input (Data, Var, Abs): the sequence number
  0x05,
  0x09,
  0x19,
  0x01,
  0x29,
  0x08,
  0x15,
  0x00,
  0x25,
  0x01, // Buttons 1–8, 0…1
  0x75,
  0x01,
  0x95,
  0x08,
  0x81,
  0x02, //     8 × 1 bit Input (Data, Var, Abs)
  0x05,
  0x01,
  0x09,
  0x30,
  0x09,
  0x31,
  0x16,
  0x01,
  0x80,
  0x26,
  0xff,
  0x7f, // X, Y, −32767 … 32767
  0x75,
  0x10,
  0x95,
  0x02,
  0x81,
  0x06, //     2 × 16 bit Input (Data, Var, Rel)
  0x75,
  0x08,
  0x95,
  0x2b,
  0x81,
  0x01, //     43 bytes constant
  0xc0,
  0xc0,
]);

export const mouseCollections = (): CollectionBody[] =>
  collectionsFromDescriptor(MOUSE_DESCRIPTOR) as unknown as CollectionBody[];

/** The buttons byte of the report at `index` within its window of `count` reports. */
export function buttonsAt(index: number, count: number): number {
  if (index <= 0 || index >= count - 1) return 0;
  const tap = index % TAP_EVERY === TAP_EVERY / 2 ? 1 : 0;
  const hold = Math.floor(index / HOLD_EVERY) % 2 === 1 && index < count - HOLD_EVERY ? 2 : 0;
  return tap | hold;
}

const popcount = (value: number) => {
  let bits = 0;
  for (let v = value; v; v &= v - 1) bits++;
  return bits;
};

/** Button edges (one per bit that changes) in a window of `count` reports, starting from all released. */
export function edgesIn(count: number): number {
  let edges = 0;
  let previous = 0;
  for (let index = 0; index < count; index++) {
    const buttons = buttonsAt(index, count);
    edges += popcount(buttons ^ previous);
    previous = buttons;
  }
  return edges + popcount(previous);
}

export { popcount };

/** Writes the report at `index` of a window into `out` (64 bytes; the padding is left as it is). */
export function fillReport(out: Uint8Array, tag: number, seq: number, index: number, count: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(TAG_OFFSET, tag, true);
  view.setUint32(SEQ_OFFSET, seq & 0x7fffffff, true);
  out[BUTTONS_OFFSET] = buttonsAt(index, count);
  view.setInt16(X_OFFSET, 1, true);
  view.setInt16(X_OFFSET + 2, -1, true);
}
