import * as v from 'valibot';
import { deviceAnnouncementSchema, helloBodySchema } from './bodies.ts';
import { FrameError } from './errors.ts';
import type { Frame } from './frames.ts';
import {
  AUTH_CONFIRM_LENGTH,
  ERROR_HEADER,
  FrameType,
  GONE_REASONS,
  GRANT_LENGTH,
  GRANT_WITH_TICKET_LENGTH,
  HEARTBEAT_LENGTH,
  INPUT_HEADER,
  MAX_CONTROL_FRAME_BYTES,
  MAX_REPORT_BYTES,
  PERMISSIONS,
  PING_LENGTH,
  READMIT_LENGTH,
  READMIT_WITH_PROOF_LENGTH,
  REQUEST_HEADER,
  type ReplyStatus,
  ReplyStatus as Status,
} from './layout.ts';
import { decodeUsbFrame } from './usb-decode.ts';
import { USB_FRAME_RANGE } from './usb-layout.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const knownStatuses = new Set<number>(Object.values(Status));

function need(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length < length) {
    throw new FrameError('truncated', `${what} frame needs at least ${length} bytes, got ${bytes.length}`);
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function reportData(bytes: Uint8Array, header: number, what: string): Uint8Array {
  const data = bytes.subarray(header);
  if (data.length > MAX_REPORT_BYTES) {
    throw new FrameError('too-large', `${what} carries ${data.length} bytes; the cap is ${MAX_REPORT_BYTES}`);
  }
  return data;
}

function jsonBody<T>(bytes: Uint8Array, offset: number, schema: v.GenericSchema<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes.subarray(offset)));
  } catch (cause) {
    throw new FrameError('bad-body', `${what} body is not UTF-8 JSON (${String(cause)})`);
  }
  const result = v.safeParse(schema, value);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new FrameError('bad-body', `${what} body is invalid at '${path}': ${issue.message}`);
  }
  return result.output;
}

function decodeRequest(bytes: Uint8Array, type: number): Frame {
  need(bytes, REQUEST_HEADER, 'request');
  const device = bytes[1]!;
  const reportId = bytes[2]!;
  const requestId = view(bytes).getUint32(4, true);
  switch (type) {
    case FrameType.OutputReport:
      return {
        type: 'output',
        device,
        reportId,
        requestId,
        data: reportData(bytes, REQUEST_HEADER, 'output'),
      };
    case FrameType.FeatureGet:
      if (bytes.length !== REQUEST_HEADER) throw new FrameError('bad-field', 'feature-get carries no data');
      return { type: 'feature-get', device, reportId, requestId };
    case FrameType.FeatureSet:
      return {
        type: 'feature-set',
        device,
        reportId,
        requestId,
        data: reportData(bytes, REQUEST_HEADER, 'feature-set'),
      };
    default: {
      const status = bytes[3]!;
      if (!knownStatuses.has(status)) throw new FrameError('bad-field', `unknown reply status ${status}`);
      const data = reportData(bytes, REQUEST_HEADER, 'reply');
      return { type: 'reply', device, reportId, requestId, status: status as ReplyStatus, data };
    }
  }
}

function decodeInput(bytes: Uint8Array): Frame {
  need(bytes, INPUT_HEADER, 'input report');
  const timestampMs = view(bytes).getFloat64(4, true);
  if (!Number.isFinite(timestampMs))
    throw new FrameError('bad-field', 'input report timestamp is not finite');
  return {
    type: 'input',
    device: bytes[1]!,
    reportId: bytes[2]!,
    timestampMs,
    data: reportData(bytes, INPUT_HEADER, 'input report'),
  };
}

function decodeControl(bytes: Uint8Array, type: number): Frame {
  if (bytes.length > MAX_CONTROL_FRAME_BYTES) {
    throw new FrameError(
      'too-large',
      `control frame of ${bytes.length} bytes; the cap is ${MAX_CONTROL_FRAME_BYTES}`,
    );
  }
  if (type === FrameType.Hello) {
    need(bytes, 4, 'hello');
    const version = view(bytes).getUint16(2, true);
    return { type: 'hello', version, body: jsonBody(bytes, 4, helloBodySchema, 'hello') };
  }
  need(bytes, 2, 'announce');
  return {
    type: 'announce',
    device: bytes[1]!,
    body: jsonBody(bytes, 2, deviceAnnouncementSchema, 'announce'),
  };
}

function decodeError(bytes: Uint8Array): Frame {
  need(bytes, ERROR_HEADER, 'error');
  let message: string;
  try {
    message = utf8.decode(bytes.subarray(ERROR_HEADER, ERROR_HEADER + 1000));
  } catch {
    throw new FrameError('bad-body', 'error message is not UTF-8');
  }
  return { type: 'error', device: bytes[1]!, code: view(bytes).getUint16(2, true), message };
}

function decodeGrant(bytes: Uint8Array): Frame {
  if (bytes.length !== GRANT_LENGTH && bytes.length !== GRANT_WITH_TICKET_LENGTH)
    throw new FrameError(
      'truncated',
      `grant frame must be ${GRANT_LENGTH} or ${GRANT_WITH_TICKET_LENGTH} bytes`,
    );
  if (bytes[1] !== 0 || bytes[3] !== 0)
    throw new FrameError('bad-field', 'grant frame reserved bytes must be 0');
  const permission = PERMISSIONS[bytes[2]! - 1];
  if (permission === undefined) throw new FrameError('bad-field', `unknown permission ${bytes[2]}`);
  if (bytes.length === GRANT_LENGTH) return { type: 'grant', permission };
  return { type: 'grant', permission, ticket: bytes.subarray(GRANT_LENGTH) };
}

function decodeReadmit(bytes: Uint8Array): Frame {
  if (bytes.length !== READMIT_LENGTH && bytes.length !== READMIT_WITH_PROOF_LENGTH)
    throw new FrameError(
      'truncated',
      `readmit frame must be ${READMIT_LENGTH} or ${READMIT_WITH_PROOF_LENGTH} bytes`,
    );
  if (bytes[1] !== 0) throw new FrameError('bad-field', 'readmit byte 1 must be 0');
  const proof = bytes.length === READMIT_LENGTH ? undefined : bytes.subarray(READMIT_LENGTH);
  return { type: 'readmit', proof };
}

function decodeAuthConfirm(bytes: Uint8Array): Frame {
  if (bytes.length !== AUTH_CONFIRM_LENGTH)
    throw new FrameError('truncated', `auth-confirm frame must be ${AUTH_CONFIRM_LENGTH} bytes`);
  if (bytes[1] !== 0) throw new FrameError('bad-field', 'auth-confirm byte 1 must be 0');
  return { type: 'auth-confirm', tag: bytes.subarray(2) };
}

function decodeDeviceGone(bytes: Uint8Array): Frame {
  if (bytes.length === 2) return { type: 'device-gone', device: bytes[1]! };
  if (bytes.length !== 3) throw new FrameError('truncated', 'device-gone frame must be 2 or 3 bytes');
  const reason = GONE_REASONS[bytes[2]!];
  if (reason === undefined) throw new FrameError('bad-field', `unknown device-gone reason ${bytes[2]}`);
  return { type: 'device-gone', device: bytes[1]!, reason };
}

function decodePing(bytes: Uint8Array, type: number): Frame {
  if (bytes.length !== PING_LENGTH)
    throw new FrameError('truncated', `ping/pong frame must be ${PING_LENGTH} bytes`);
  const dv = view(bytes);
  return {
    type: type === FrameType.Ping ? 'ping' : 'pong',
    nonce: dv.getUint32(4, true),
    timestampMs: dv.getFloat64(8, true),
  };
}

/** Every heartbeat decodes to this one object: the frame carries nothing, so nothing is allocated. */
const HEARTBEAT: Frame = Object.freeze({ type: 'heartbeat' });

function decodeHeartbeat(bytes: Uint8Array): Frame {
  if (bytes.length !== HEARTBEAT_LENGTH)
    throw new FrameError('truncated', `heartbeat frame must be ${HEARTBEAT_LENGTH} bytes`);
  if (bytes[1] !== 0) throw new FrameError('bad-field', 'heartbeat byte 1 must be 0');
  return HEARTBEAT;
}

/** Decodes one Ferry frame, or throws FrameError. Never throws anything else. */
export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length === 0) throw new FrameError('empty', 'empty frame');
  const type = bytes[0]!;
  switch (type) {
    case FrameType.InputReport:
      return decodeInput(bytes);
    case FrameType.OutputReport:
    case FrameType.FeatureGet:
    case FrameType.FeatureSet:
    case FrameType.Reply:
      return decodeRequest(bytes, type);
    case FrameType.Hello:
    case FrameType.Announce:
      return decodeControl(bytes, type);
    case FrameType.DeviceGone:
      return decodeDeviceGone(bytes);
    case FrameType.Grant:
      return decodeGrant(bytes);
    case FrameType.AuthConfirm:
      return decodeAuthConfirm(bytes);
    case FrameType.Readmit:
      return decodeReadmit(bytes);
    case FrameType.Error:
      return decodeError(bytes);
    case FrameType.Ping:
    case FrameType.Pong:
      return decodePing(bytes, type);
    case FrameType.Heartbeat:
      return decodeHeartbeat(bytes);
    default:
      if (type >= USB_FRAME_RANGE.first && type <= USB_FRAME_RANGE.last) return decodeUsbFrame(bytes);
      throw new FrameError('unknown-type', `unknown frame type 0x${type.toString(16).padStart(2, '0')}`);
  }
}
