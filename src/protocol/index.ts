export { CODE_PAKE, type CollectionBody, type DeviceAnnouncement, type HelloBody } from './bodies.ts';
export { decodeFrame } from './decode.ts';
export {
  encodeAnnounce,
  encodeAuthConfirm,
  encodeDeviceGone,
  encodeError,
  encodeFeatureGet,
  encodeFeatureSet,
  encodeGrant,
  encodeHeartbeat,
  encodeHello,
  encodeInputReport,
  encodeOutputReport,
  encodePing,
  encodeReadmit,
  encodeReply,
} from './encode.ts';
export { FrameError, type FrameErrorCode } from './errors.ts';
export type { Frame, FrameOf } from './frames.ts';
export {
  AUTH_CONFIRM_TAG_BYTES,
  ErrorCode,
  FrameType,
  GONE_REASONS,
  type GoneReason,
  HEARTBEAT_CAPABILITY,
  INPUT_HEADER,
  MAX_CONTROL_FRAME_BYTES,
  MAX_REPORT_BYTES,
  PERMISSIONS,
  type Permission,
  PROTOCOL_VERSION,
  permissionCode,
  READMIT_PROOF_BYTES,
  ReplyStatus,
  SWAP_CAPABILITY,
  TICKET_BYTES,
  TICKET_CAPABILITY,
} from './layout.ts';
export * from './usb.ts';
