import type { DeviceAnnouncement, HelloBody } from './bodies.ts';
import {
  AUTH_CONFIRM_LENGTH,
  AUTH_CONFIRM_TAG_BYTES,
  ERROR_HEADER,
  FrameType,
  GONE_REASONS,
  type GoneReason,
  GRANT_LENGTH,
  GRANT_WITH_TICKET_LENGTH,
  INPUT_HEADER,
  type Permission,
  PING_LENGTH,
  PROTOCOL_VERSION,
  permissionCode,
  READMIT_LENGTH,
  READMIT_PROOF_BYTES,
  READMIT_WITH_PROOF_LENGTH,
  REQUEST_HEADER,
  type ReplyStatus,
  TICKET_BYTES,
} from './layout.ts';

const utf8 = new TextEncoder();

function jsonFrame(type: number, second: number, extraHeader: number[], body: unknown): Uint8Array {
  const json = utf8.encode(JSON.stringify(body));
  const header = [type, second, ...extraHeader];
  const out = new Uint8Array(header.length + json.length);
  out.set(header, 0);
  out.set(json, header.length);
  return out;
}

export function encodeHello(body: HelloBody, version = PROTOCOL_VERSION): Uint8Array {
  return jsonFrame(FrameType.Hello, 0, [version & 0xff, version >> 8], body);
}

export function encodeAnnounce(device: number, body: DeviceAnnouncement): Uint8Array {
  return jsonFrame(FrameType.Announce, device, [], body);
}

/** Throws RangeError unless `tag` is exactly AUTH_CONFIRM_TAG_BYTES long (a bug at this end, not the peer's). */
export function encodeAuthConfirm(tag: Uint8Array): Uint8Array {
  if (tag.length !== AUTH_CONFIRM_TAG_BYTES)
    throw new RangeError(`a key-confirmation tag is ${AUTH_CONFIRM_TAG_BYTES} bytes`);
  const out = new Uint8Array(AUTH_CONFIRM_LENGTH);
  out[0] = FrameType.AuthConfirm;
  out.set(tag, 2);
  return out;
}

/** Without a reason, the 2-byte frame every receiver understands; with one, the 3-byte form. */
export function encodeDeviceGone(device: number, reason?: GoneReason): Uint8Array {
  if (reason === undefined) return Uint8Array.of(FrameType.DeviceGone, device);
  return Uint8Array.of(FrameType.DeviceGone, device, GONE_REASONS.indexOf(reason));
}

/** Without a ticket, the 4-byte frame every receiver understands; with one, the long form. */
export function encodeGrant(permission: Permission, ticket?: Uint8Array): Uint8Array {
  if (ticket !== undefined && ticket.length !== TICKET_BYTES)
    throw new RangeError(`a re-admission ticket is ${TICKET_BYTES} bytes`);
  const out = new Uint8Array(ticket === undefined ? GRANT_LENGTH : GRANT_WITH_TICKET_LENGTH);
  out[0] = FrameType.Grant;
  out[2] = permissionCode(permission);
  if (ticket !== undefined) out.set(ticket, GRANT_LENGTH);
  return out;
}

/** A receiver's READMIT: its proof of a ticket, or the bare 2 bytes when it holds none. */
export function encodeReadmit(proof?: Uint8Array): Uint8Array {
  if (proof === undefined) return Uint8Array.of(FrameType.Readmit, 0);
  if (proof.length !== READMIT_PROOF_BYTES)
    throw new RangeError(`a re-admission proof is ${READMIT_PROOF_BYTES} bytes`);
  const out = new Uint8Array(READMIT_WITH_PROOF_LENGTH);
  out[0] = FrameType.Readmit;
  out.set(proof, READMIT_LENGTH);
  return out;
}

/**
 * Writes an input-report frame. On the per-report path pass a reusable `scratch` buffer: the frame is
 * then a view into it, valid until the next call (RTCDataChannel.send copies synchronously).
 */
export function encodeInputReport(
  device: number,
  reportId: number,
  timestampMs: number,
  data: Uint8Array,
  scratch?: Uint8Array,
): Uint8Array {
  const length = INPUT_HEADER + data.length;
  const out = scratch && scratch.length >= length ? scratch.subarray(0, length) : new Uint8Array(length);
  const view = new DataView(out.buffer, out.byteOffset, length);
  out[0] = FrameType.InputReport;
  out[1] = device;
  out[2] = reportId;
  out[3] = 0;
  view.setFloat64(4, timestampMs, true);
  out.set(data, INPUT_HEADER);
  return out;
}

function requestFrame(
  type: number,
  device: number,
  reportId: number,
  fourth: number,
  requestId: number,
  data?: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(REQUEST_HEADER + (data?.length ?? 0));
  out[0] = type;
  out[1] = device;
  out[2] = reportId;
  out[3] = fourth;
  new DataView(out.buffer).setUint32(4, requestId, true);
  if (data) out.set(data, REQUEST_HEADER);
  return out;
}

export const encodeOutputReport = (device: number, reportId: number, requestId: number, data: Uint8Array) =>
  requestFrame(FrameType.OutputReport, device, reportId, 0, requestId, data);

export const encodeFeatureGet = (device: number, reportId: number, requestId: number) =>
  requestFrame(FrameType.FeatureGet, device, reportId, 0, requestId);

export const encodeFeatureSet = (device: number, reportId: number, requestId: number, data: Uint8Array) =>
  requestFrame(FrameType.FeatureSet, device, reportId, 0, requestId, data);

export const encodeReply = (
  device: number,
  reportId: number,
  requestId: number,
  status: ReplyStatus,
  data: Uint8Array = new Uint8Array(0),
) => requestFrame(FrameType.Reply, device, reportId, status, requestId, data);

export function encodeError(device: number, code: number, message: string): Uint8Array {
  const text = utf8.encode(message.slice(0, 1000));
  const out = new Uint8Array(ERROR_HEADER + text.length);
  out[0] = FrameType.Error;
  out[1] = device;
  new DataView(out.buffer).setUint16(2, code, true);
  out.set(text, ERROR_HEADER);
  return out;
}

export function encodePing(kind: 'ping' | 'pong', nonce: number, timestampMs: number): Uint8Array {
  const out = new Uint8Array(PING_LENGTH);
  const view = new DataView(out.buffer);
  out[0] = kind === 'ping' ? FrameType.Ping : FrameType.Pong;
  view.setUint32(4, nonce, true);
  view.setFloat64(8, timestampMs, true);
  return out;
}

/** The HEARTBEAT frame (two bytes). Borrowed like any frame: copy it if you keep it. */
export function encodeHeartbeat(): Uint8Array {
  return Uint8Array.of(FrameType.Heartbeat, 0);
}
