/**
 * hid-recorder's text format (hid-tools), one device per file:
 *   R: <len> <hex bytes>             the report descriptor
 *   N: <name>                        the device name (rest of the line)
 *   I: <bus> <vendor> <product>      hex ids
 *   E: <sec>.<usec> <len> <bytes>    one input report, time since the first (usec: 6 digits)
 * `#` comments, blank lines, `P:` (physical path) and `D:` (device index) lines are skipped.
 * No I/O: the caller reads the file.
 */
import { RecordingError } from './errors.ts';

export interface RecordedEvent {
  readonly timeUs: number;
  readonly bytes: Uint8Array;
}

export interface Recording {
  readonly name: string;
  readonly ids: { readonly bus: number; readonly vendorId: number; readonly productId: number };
  readonly descriptor: Uint8Array;
  readonly events: readonly RecordedEvent[];
}

/** The HID spec bounds a descriptor at 4 KiB in practice; a report at Ferry's 16 KiB plus its id byte. */
export const MAX_DESCRIPTOR_BYTES = 4096;
export const MAX_REPORT_BYTES = 16 * 1024 + 1;

const HEX_BYTE = /^[0-9a-fA-F]{2}$/;
const HEX_ID = /^[0-9a-fA-F]{1,4}$/;
const TIME = /^(\d{1,9})\.(\d{6})$/;

function bytesOf(fields: readonly string[], max: number, line: number): Uint8Array {
  const declared = decimal(fields[0], line);
  if (declared > max) throw new RecordingError('too-large', `${declared} bytes, more than ${max}`, line);
  const hex = fields.slice(1);
  if (hex.length !== declared)
    throw new RecordingError('length-mismatch', `declares ${declared} bytes, has ${hex.length}`, line);
  const bytes = new Uint8Array(declared);
  for (let i = 0; i < declared; i++) {
    const field = hex[i]!;
    if (!HEX_BYTE.test(field))
      throw new RecordingError('malformed-line', `"${field}" is not a hex byte`, line);
    bytes[i] = Number.parseInt(field, 16);
  }
  return bytes;
}

function decimal(field: string | undefined, line: number): number {
  if (field === undefined || !/^\d{1,9}$/.test(field))
    throw new RecordingError('malformed-line', `expected a length, got "${field ?? ''}"`, line);
  return Number(field);
}

function hexId(field: string | undefined, line: number): number {
  if (field === undefined || !HEX_ID.test(field))
    throw new RecordingError('malformed-line', `expected a hex id, got "${field ?? ''}"`, line);
  return Number.parseInt(field, 16);
}

function event(fields: readonly string[], line: number): RecordedEvent {
  const time = TIME.exec(fields[0] ?? '');
  if (time === null) throw new RecordingError('malformed-line', 'expected <seconds>.<6-digit micros>', line);
  const timeUs = Number(time[1]) * 1_000_000 + Number(time[2]);
  return { timeUs, bytes: bytesOf(fields.slice(1), MAX_REPORT_BYTES, line) };
}

interface Header {
  name?: string;
  ids?: Recording['ids'];
  descriptor?: Uint8Array;
}

function setOnce<K extends keyof Header>(header: Header, key: K, value: Header[K], line: number): void {
  if (header[key] !== undefined) throw new RecordingError('duplicate-header', `a second ${key}`, line);
  header[key] = value;
}

/** Parses a whole hid-recorder file; throws RecordingError, never anything else. */
export function parseRecording(text: string): Recording {
  const header: Header = {};
  const events: RecordedEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    const n = i + 1;
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const tag = raw.slice(0, 2);
    if (tag === 'N:') {
      setOnce(header, 'name', raw.startsWith('N: ') ? raw.slice(3) : raw.slice(2), n);
      continue;
    }
    const fields = raw.slice(2).trim().split(/ +/);
    switch (tag) {
      case 'R:':
        setOnce(header, 'descriptor', bytesOf(fields, MAX_DESCRIPTOR_BYTES, n), n);
        break;
      case 'I:':
        if (fields.length !== 3)
          throw new RecordingError('malformed-line', 'expected <bus> <vendor> <product>', n);
        setOnce(
          header,
          'ids',
          { bus: hexId(fields[0], n), vendorId: hexId(fields[1], n), productId: hexId(fields[2], n) },
          n,
        );
        break;
      case 'E:':
        events.push(event(fields, n));
        break;
      case 'P:':
      case 'D:':
        break;
      default:
        throw new RecordingError('unknown-line', `"${raw.slice(0, 20)}" is not a hid-recorder line`, n);
    }
  }
  const { name, ids, descriptor } = header;
  if (descriptor === undefined) throw new RecordingError('missing-header', 'no R: (report descriptor) line');
  if (ids === undefined) throw new RecordingError('missing-header', 'no I: (ids) line');
  return { name: name ?? '', ids, descriptor, events };
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += ` ${byte < 16 ? '0' : ''}${byte.toString(16)}`;
  return out;
}

const hex4 = (value: number) => value.toString(16).padStart(4, '0');

/** The E: line of one event (`seconds` zero-padded to 6 digits, as hid-recorder writes it). */
export function printEvent({ timeUs, bytes }: RecordedEvent): string {
  const seconds = String(Math.floor(timeUs / 1_000_000)).padStart(6, '0');
  const micros = String(timeUs % 1_000_000).padStart(6, '0');
  return `E: ${seconds}.${micros} ${bytes.length}${hex(bytes)}`;
}

/** The file parseRecording reads back to the same Recording (a name holds no line break). */
export function printRecording(recording: Recording): string {
  const { name, ids, descriptor, events } = recording;
  const lines = [
    `R: ${descriptor.length}${hex(descriptor)}`,
    `N: ${name}`,
    `I: ${ids.bus.toString(16)} ${hex4(ids.vendorId)} ${hex4(ids.productId)}`,
    ...events.map(printEvent),
  ];
  return `${lines.join('\n')}\n`;
}
