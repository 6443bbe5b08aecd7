/**
 * Wire layouts declared once: every field names its width and byte order, so one declaration both
 * encodes and decodes (USB descriptors and usbredir are little-endian, USB/IP is network order).
 * Reads and writes are offset-based on a `Uint8Array` — no DataView, no per-field objects.
 */

export type ScalarType = 'u8' | 'u16le' | 'u16be' | 'u32le' | 'u32be' | 'i32le' | 'i32be' | 'u64le';
/** A fixed-size byte run (strings, arrays); decoded as a zero-copy view of the input. */
export interface BytesType {
  readonly bytes: number;
}
export type FieldType = ScalarType | BytesType;
export type StructFields = Readonly<Record<string, FieldType>>;

export type FieldValue<T extends FieldType> = T extends 'u64le'
  ? bigint
  : T extends BytesType
    ? Uint8Array
    : number;
export type StructValue<F extends StructFields> = { [K in keyof F]: FieldValue<F[K]> };

interface ScalarCodec {
  readonly size: number;
  read(bytes: Uint8Array, at: number): number | bigint;
  write(bytes: Uint8Array, at: number, value: number | bigint): void;
}

const byte = (bytes: Uint8Array, at: number): number => bytes[at] ?? 0;

const readU32le = (b: Uint8Array, at: number): number =>
  (byte(b, at) | (byte(b, at + 1) << 8) | (byte(b, at + 2) << 16) | (byte(b, at + 3) << 24)) >>> 0;
const readU32be = (b: Uint8Array, at: number): number =>
  ((byte(b, at) << 24) | (byte(b, at + 1) << 16) | (byte(b, at + 2) << 8) | byte(b, at + 3)) >>> 0;

function writeU32le(b: Uint8Array, at: number, value: number): void {
  b[at] = value & 0xff;
  b[at + 1] = (value >>> 8) & 0xff;
  b[at + 2] = (value >>> 16) & 0xff;
  b[at + 3] = (value >>> 24) & 0xff;
}

function writeU32be(b: Uint8Array, at: number, value: number): void {
  b[at] = (value >>> 24) & 0xff;
  b[at + 1] = (value >>> 16) & 0xff;
  b[at + 2] = (value >>> 8) & 0xff;
  b[at + 3] = value & 0xff;
}

const SCALARS: Record<ScalarType, ScalarCodec> = {
  u8: {
    size: 1,
    read: byte,
    write: (b, at, v) => {
      b[at] = Number(v) & 0xff;
    },
  },
  u16le: {
    size: 2,
    read: (b, at) => byte(b, at) | (byte(b, at + 1) << 8),
    write: (b, at, v) => {
      b[at] = Number(v) & 0xff;
      b[at + 1] = (Number(v) >>> 8) & 0xff;
    },
  },
  u16be: {
    size: 2,
    read: (b, at) => (byte(b, at) << 8) | byte(b, at + 1),
    write: (b, at, v) => {
      b[at] = (Number(v) >>> 8) & 0xff;
      b[at + 1] = Number(v) & 0xff;
    },
  },
  u32le: { size: 4, read: readU32le, write: (b, at, v) => writeU32le(b, at, Number(v)) },
  u32be: { size: 4, read: readU32be, write: (b, at, v) => writeU32be(b, at, Number(v)) },
  i32le: {
    size: 4,
    read: (b, at) => readU32le(b, at) | 0,
    write: (b, at, v) => writeU32le(b, at, Number(v)),
  },
  i32be: {
    size: 4,
    read: (b, at) => readU32be(b, at) | 0,
    write: (b, at, v) => writeU32be(b, at, Number(v)),
  },
  u64le: {
    size: 8,
    read: (b, at) => BigInt(readU32le(b, at)) | (BigInt(readU32le(b, at + 4)) << 32n),
    write: (b, at, v) => {
      const value = BigInt.asUintN(64, BigInt(v));
      writeU32le(b, at, Number(value & 0xffffffffn));
      writeU32le(b, at + 4, Number(value >> 32n));
    },
  },
};

export interface Struct<F extends StructFields> {
  readonly fields: F;
  readonly size: number;
  /** Throws RangeError when `bytes` holds fewer than `size` bytes after `offset`. */
  decode(bytes: Uint8Array, offset?: number): StructValue<F>;
  encodeInto(value: StructValue<F>, target: Uint8Array, offset?: number): void;
  encode(value: StructValue<F>): Uint8Array;
}

const fieldSize = (type: FieldType): number => (typeof type === 'string' ? SCALARS[type].size : type.bytes);

export function struct<const F extends StructFields>(fields: F): Struct<F> {
  const entries = Object.entries(fields);
  const size = entries.reduce((total, [, type]) => total + fieldSize(type), 0);

  function decode(bytes: Uint8Array, offset = 0): StructValue<F> {
    if (bytes.length - offset < size)
      throw new RangeError(`need ${size} bytes, have ${bytes.length - offset}`);
    const value: Record<string, number | bigint | Uint8Array> = {};
    let at = offset;
    for (const [name, type] of entries) {
      value[name] =
        typeof type === 'string' ? SCALARS[type].read(bytes, at) : bytes.subarray(at, at + type.bytes);
      at += fieldSize(type);
    }
    return value as StructValue<F>;
  }

  function encodeInto(value: StructValue<F>, target: Uint8Array, offset = 0): void {
    if (target.length - offset < size) throw new RangeError(`need ${size} bytes of room`);
    const values = value as Record<string, number | bigint | Uint8Array>;
    let at = offset;
    for (const [name, type] of entries) {
      const fieldValue = values[name] ?? 0;
      if (typeof type === 'string') SCALARS[type].write(target, at, fieldValue as number | bigint);
      else writeBytes(target, at, type.bytes, fieldValue as Uint8Array);
      at += fieldSize(type);
    }
  }

  return {
    fields,
    size,
    decode,
    encodeInto,
    encode(value) {
      const out = new Uint8Array(size);
      encodeInto(value, out);
      return out;
    },
  };
}

/** Copies at most `width` bytes and zero-fills the rest, so short strings are NUL padded. */
function writeBytes(target: Uint8Array, at: number, width: number, source: Uint8Array): void {
  target.fill(0, at, at + width);
  target.set(source.subarray(0, width), at);
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** A NUL-terminated fixed-width field (USB/IP path and bus id). */
export const fixedString = {
  encode: (text: string): Uint8Array => textEncoder.encode(text),
  decode(bytes: Uint8Array): string {
    const end = bytes.indexOf(0);
    return textDecoder.decode(end === -1 ? bytes : bytes.subarray(0, end));
  },
};
