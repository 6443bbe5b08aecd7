/**
 * Packs and unpacks struct uhid_event (layout.ts). No I/O.
 *
 * Encoding writes only the meaningful prefix of the 4376-byte struct: uhid.h promises that "if
 * user-space writes short events, they're extended with 0s by the kernel", so an 8-byte input report
 * costs a 14-byte write instead of 4376. Decoding accepts short events the same way (missing bytes
 * are zeros) and returns `data` as a view into the given bytes: consume it before reusing them.
 */
import { UhidProtocolError } from './errors.ts';
import type { UhidCreate2, UhidEvent } from './events.ts';
import {
  HID_MAX_DESCRIPTOR_SIZE,
  Layout,
  HOST_LITTLE_ENDIAN as LE,
  UHID_DATA_MAX,
  UHID_EVENT_SIZE,
  UhidEventType,
  type UhidReportType,
} from './layout.ts';

const MAX_REPORT_TYPE = 2;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkData(data: Uint8Array, max: number, what: string): void {
  if (data.length > max) throw new UhidProtocolError(`${what} is ${data.length} bytes, more than ${max}`);
}

function writeString(
  target: Uint8Array,
  field: { offset: number; length: number },
  value: string,
  what: string,
) {
  const bytes = Buffer.from(value, 'utf8');
  // The kernel copies the field with strscpy-like semantics; keep room for the NUL.
  if (bytes.length >= field.length)
    throw new UhidProtocolError(`${what} is ${bytes.length} bytes, max ${field.length - 1}`);
  target.set(bytes, field.offset);
}

function encodeCreate2(event: UhidCreate2): Uint8Array {
  const L = Layout.create2;
  checkData(event.descriptor, HID_MAX_DESCRIPTOR_SIZE, 'report descriptor');
  const bytes = new Uint8Array(L.rdData + event.descriptor.length);
  const v = view(bytes);
  v.setUint32(Layout.type, UhidEventType.CREATE2, LE);
  writeString(bytes, L.name, event.name, 'name');
  writeString(bytes, L.phys, event.phys, 'phys');
  writeString(bytes, L.uniq, event.uniq, 'uniq');
  v.setUint16(L.rdSize, event.descriptor.length, LE);
  v.setUint16(L.bus, event.bus, LE);
  v.setUint32(L.vendor, event.vendor, LE);
  v.setUint32(L.product, event.product, LE);
  v.setUint32(L.version, event.version, LE);
  v.setUint32(L.country, event.country, LE);
  bytes.set(event.descriptor, L.rdData);
  return bytes;
}

function header(type: number, size: number): { bytes: Uint8Array; v: DataView } {
  const bytes = new Uint8Array(size);
  const v = view(bytes);
  v.setUint32(Layout.type, type, LE);
  return { bytes, v };
}

/** Encodes any event (user→kernel ones for the sink; kernel→user ones for tests and fakes). */
export function encodeUhidEvent(event: UhidEvent): Uint8Array {
  switch (event.type) {
    case 'create2':
      return encodeCreate2(event);
    case 'destroy':
      return header(UhidEventType.DESTROY, 4).bytes;
    case 'stop':
      return header(UhidEventType.STOP, 4).bytes;
    case 'open':
      return header(UhidEventType.OPEN, 4).bytes;
    case 'close':
      return header(UhidEventType.CLOSE, 4).bytes;
    case 'start': {
      const { bytes, v } = header(UhidEventType.START, Layout.start.devFlags + 8);
      v.setBigUint64(Layout.start.devFlags, BigInt(event.devFlags), LE);
      return bytes;
    }
    case 'input2': {
      checkData(event.data, UHID_DATA_MAX, 'input report');
      const { bytes, v } = header(UhidEventType.INPUT2, Layout.input2.data + event.data.length);
      v.setUint16(Layout.input2.size, event.data.length, LE);
      bytes.set(event.data, Layout.input2.data);
      return bytes;
    }
    case 'output': {
      checkData(event.data, UHID_DATA_MAX, 'output report');
      const { bytes, v } = header(UhidEventType.OUTPUT, Layout.output.rtype + 1);
      bytes.set(event.data, Layout.output.data);
      v.setUint16(Layout.output.size, event.data.length, LE);
      v.setUint8(Layout.output.rtype, event.reportType);
      return bytes;
    }
    case 'get-report': {
      const { bytes, v } = header(UhidEventType.GET_REPORT, Layout.getReport.rtype + 1);
      v.setUint32(Layout.getReport.id, event.id, LE);
      v.setUint8(Layout.getReport.rnum, event.reportNumber);
      v.setUint8(Layout.getReport.rtype, event.reportType);
      return bytes;
    }
    case 'get-report-reply': {
      checkData(event.data, UHID_DATA_MAX, 'GET_REPORT reply');
      const L = Layout.getReportReply;
      const { bytes, v } = header(UhidEventType.GET_REPORT_REPLY, L.data + event.data.length);
      v.setUint32(L.id, event.id, LE);
      v.setUint16(L.err, event.err, LE);
      v.setUint16(L.size, event.data.length, LE);
      bytes.set(event.data, L.data);
      return bytes;
    }
    case 'set-report': {
      checkData(event.data, UHID_DATA_MAX, 'SET_REPORT data');
      const L = Layout.setReport;
      const { bytes, v } = header(UhidEventType.SET_REPORT, L.data + event.data.length);
      v.setUint32(L.id, event.id, LE);
      v.setUint8(L.rnum, event.reportNumber);
      v.setUint8(L.rtype, event.reportType);
      v.setUint16(L.size, event.data.length, LE);
      bytes.set(event.data, L.data);
      return bytes;
    }
    case 'set-report-reply': {
      const { bytes, v } = header(UhidEventType.SET_REPORT_REPLY, Layout.setReportReply.err + 2);
      v.setUint32(Layout.setReportReply.id, event.id, LE);
      v.setUint16(Layout.setReportReply.err, event.err, LE);
      return bytes;
    }
  }
}

function readString(bytes: Uint8Array, field: { offset: number; length: number }): string {
  const raw = bytes.subarray(field.offset, field.offset + field.length);
  const end = raw.indexOf(0);
  return Buffer.from(raw.buffer, raw.byteOffset, end < 0 ? raw.length : end).toString('utf8');
}

function readSize(v: DataView, offset: number, max: number, what: string): number {
  const size = v.getUint16(offset, LE);
  if (size > max) throw new UhidProtocolError(`${what} size ${size} exceeds ${max}`);
  return size;
}

function readReportType(v: DataView, offset: number): UhidReportType {
  const rtype = v.getUint8(offset);
  if (rtype > MAX_REPORT_TYPE) throw new UhidProtocolError(`unknown report type ${rtype}`);
  return rtype as UhidReportType;
}

function decodeCreate2(bytes: Uint8Array, v: DataView): UhidCreate2 {
  const L = Layout.create2;
  const size = readSize(v, L.rdSize, HID_MAX_DESCRIPTOR_SIZE, 'report descriptor');
  return {
    type: 'create2',
    name: readString(bytes, L.name),
    phys: readString(bytes, L.phys),
    uniq: readString(bytes, L.uniq),
    bus: v.getUint16(L.bus, LE),
    vendor: v.getUint32(L.vendor, LE),
    product: v.getUint32(L.product, LE),
    version: v.getUint32(L.version, LE),
    country: v.getUint32(L.country, LE),
    descriptor: bytes.subarray(L.rdData, L.rdData + size),
  };
}

function decodeStart(v: DataView): UhidEvent {
  const flags = v.getBigUint64(Layout.start.devFlags, LE);
  if (flags > 0xffff_ffffn)
    throw new UhidProtocolError(`UHID_START dev_flags 0x${flags.toString(16)} out of range`);
  return { type: 'start', devFlags: Number(flags) };
}

function decodeFull(bytes: Uint8Array): UhidEvent {
  const v = view(bytes);
  const type = v.getUint32(Layout.type, LE);
  switch (type) {
    case UhidEventType.CREATE2:
      return decodeCreate2(bytes, v);
    case UhidEventType.DESTROY:
      return { type: 'destroy' };
    case UhidEventType.START:
      return decodeStart(v);
    case UhidEventType.STOP:
      return { type: 'stop' };
    case UhidEventType.OPEN:
      return { type: 'open' };
    case UhidEventType.CLOSE:
      return { type: 'close' };
    case UhidEventType.INPUT2: {
      const size = readSize(v, Layout.input2.size, UHID_DATA_MAX, 'input report');
      return { type: 'input2', data: bytes.subarray(Layout.input2.data, Layout.input2.data + size) };
    }
    case UhidEventType.OUTPUT: {
      const size = readSize(v, Layout.output.size, UHID_DATA_MAX, 'output report');
      const reportType = readReportType(v, Layout.output.rtype);
      return {
        type: 'output',
        reportType,
        data: bytes.subarray(Layout.output.data, Layout.output.data + size),
      };
    }
    case UhidEventType.GET_REPORT: {
      const L = Layout.getReport;
      const reportType = readReportType(v, L.rtype);
      return { type: 'get-report', id: v.getUint32(L.id, LE), reportNumber: v.getUint8(L.rnum), reportType };
    }
    case UhidEventType.GET_REPORT_REPLY: {
      const L = Layout.getReportReply;
      const size = readSize(v, L.size, UHID_DATA_MAX, 'GET_REPORT reply');
      const data = bytes.subarray(L.data, L.data + size);
      return { type: 'get-report-reply', id: v.getUint32(L.id, LE), err: v.getUint16(L.err, LE), data };
    }
    case UhidEventType.SET_REPORT: {
      const L = Layout.setReport;
      const size = readSize(v, L.size, UHID_DATA_MAX, 'SET_REPORT data');
      const reportType = readReportType(v, L.rtype);
      const data = bytes.subarray(L.data, L.data + size);
      return {
        type: 'set-report',
        id: v.getUint32(L.id, LE),
        reportNumber: v.getUint8(L.rnum),
        reportType,
        data,
      };
    }
    case UhidEventType.SET_REPORT_REPLY: {
      const L = Layout.setReportReply;
      return { type: 'set-report-reply', id: v.getUint32(L.id, LE), err: v.getUint16(L.err, LE) };
    }
    default:
      throw new UhidProtocolError(`unknown uhid event type ${type}`);
  }
}

/** Decodes one event; throws UhidProtocolError (and nothing else) on malformed input. */
export function decodeUhidEvent(bytes: Uint8Array): UhidEvent {
  if (bytes.length < 4)
    throw new UhidProtocolError(`uhid event of ${bytes.length} bytes is shorter than its type`);
  if (bytes.length > UHID_EVENT_SIZE) {
    throw new UhidProtocolError(`uhid event of ${bytes.length} bytes is longer than ${UHID_EVENT_SIZE}`);
  }
  if (bytes.length === UHID_EVENT_SIZE) return decodeFull(bytes);
  const padded = new Uint8Array(UHID_EVENT_SIZE); // short events are implicitly zero-extended
  padded.set(bytes);
  return decodeFull(padded);
}

/**
 * The hot path: UHID_INPUT2 for one input report, with the report id byte prefixed when the device
 * numbers its input reports. One allocation, no intermediate copies.
 */
export function encodeInput2(reportId: number | undefined, data: Uint8Array): Uint8Array {
  const prefix = reportId === undefined ? 0 : 1;
  const size = data.length + prefix;
  if (size > UHID_DATA_MAX)
    throw new UhidProtocolError(`input report is ${size} bytes, more than ${UHID_DATA_MAX}`);
  const bytes = new Uint8Array(Layout.input2.data + size);
  const v = view(bytes);
  v.setUint32(Layout.type, UhidEventType.INPUT2, LE);
  v.setUint16(Layout.input2.size, size, LE);
  if (reportId !== undefined) bytes[Layout.input2.data] = reportId;
  bytes.set(data, Layout.input2.data + prefix);
  return bytes;
}
