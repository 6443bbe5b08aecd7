/**
 * Ferry's wire format, declared once. Every multi-byte field is LITTLE-ENDIAN.
 *
 * Byte 0 of every frame is its type, byte 1 the device channel (several devices share one peer
 * connection). Per-report frames are fixed binary headers followed by the report bytes; only the
 * rare control frames (hello, device announcement) carry a validated JSON body.
 *
 *   HELLO          type u8 | 0 u8 | version u16 | json utf8 (HelloBody)
 *   AUTH_CONFIRM   type u8 | 0 u8 | tag (64 bytes: CPace key confirmation, after HELLOs by code)
 *   ANNOUNCE       type u8 | device u8 | json utf8 (DeviceAnnouncement)
 *   DEVICE_GONE    type u8 | device u8 [| reason u8]   (reason 1 "swapped": only to receivers whose
 *                                                     hello lists SWAP_CAPABILITY; absent = 0 "removed")
 *   GRANT          type u8 | 0 u8 | permission u8 | 0 u8 [| ticket 16 bytes]   (sharer → receiver: what it
 *                  was approved for; the re-admission ticket only to receivers whose hello lists
 *                  TICKET_CAPABILITY)
 *   READMIT        type u8 | 0 u8 [| proof 32 bytes]   (receiver → sharer, once, right after the hellos and
 *                  only to a sharer whose hello lists TICKET_CAPABILITY: the proof that it holds a ticket
 *                  this sharer gave it, or nothing when it holds none; transport/tickets.ts)
 *   INPUT_REPORT   type u8 | device u8 | reportId u8 | flags u8 | timestampMs f64 | data
 *   OUTPUT_REPORT  type u8 | device u8 | reportId u8 | 0 u8    | requestId u32  | data
 *   FEATURE_GET    type u8 | device u8 | reportId u8 | 0 u8    | requestId u32
 *   FEATURE_SET    type u8 | device u8 | reportId u8 | 0 u8    | requestId u32  | data
 *   REPLY          type u8 | device u8 | reportId u8 | status u8 | requestId u32 | data
 *   ERROR          type u8 | device u8 | code u16 | message utf8
 *   PING / PONG    type u8 | 0 u8 | 0 u16 | nonce u32 | timestampMs f64
 *   HEARTBEAT      type u8 | 0 u8   (only to peers whose hello lists HEARTBEAT_CAPABILITY)
 */
/** 2: receivers wait for the sharer's approval (a GRANT) before any device data; see docs/security.md. */
export const PROTOCOL_VERSION = 2;

export const FrameType = {
  Hello: 0x01,
  Announce: 0x02,
  DeviceGone: 0x03,
  Grant: 0x04,
  AuthConfirm: 0x05,
  Readmit: 0x06,
  InputReport: 0x10,
  OutputReport: 0x11,
  FeatureGet: 0x12,
  FeatureSet: 0x13,
  Reply: 0x14,
  Heartbeat: 0x7c,
  Error: 0x7d,
  Ping: 0x7e,
  Pong: 0x7f,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/**
 * Why a device went (DEVICE_GONE's optional third byte). `swapped`: the sharer replaced it, and the
 * replacement's announcement follows at once; a receiver that finds the replacement equivalent carries
 * on with it (docs/receiver.md, "Swapping a device"). Frames from before this byte are 2 bytes long.
 */
export const GONE_REASONS = ['removed', 'swapped'] as const;
export type GoneReason = (typeof GONE_REASONS)[number];

/**
 * Listed in a hello by a receiver that understands DEVICE_GONE's reason byte. A sharer sends the
 * 3-byte form only to such receivers (older decoders reject it); the others get the plain frame and so
 * see a swap as a removal plus a new device, as before.
 */
export const SWAP_CAPABILITY = 'swap';

/**
 * Listed in a hello by an end that sends a HEARTBEAT when it has sent nothing else for a while, and
 * understands the peer's. Each end sends them only to a peer that lists it (an older decoder rejects
 * the frame type), and judges the link by silence only when the peer lists it (an older peer that has
 * nothing to send is quiet, not gone). See docs/receiver.md, "The link heartbeat".
 */
export const HEARTBEAT_CAPABILITY = 'heartbeat';

/**
 * Listed in a hello by an end that knows re-admission tickets (docs/security.md, "Re-admission
 * tickets"): a sharer then gives such a receiver a ticket in each GRANT, and such a receiver answers such
 * a sharer's hello with one READMIT. Older peers reject both forms, so neither goes to a peer without it.
 */
export const TICKET_CAPABILITY = 'ticket';

/** HEARTBEAT: the type and a zero byte, nothing else. */
export const HEARTBEAT_LENGTH = 2;

export const INPUT_HEADER = 12;
export const REQUEST_HEADER = 8;
export const PING_LENGTH = 16;
export const ERROR_HEADER = 4;
export const GRANT_LENGTH = 4;
/** A re-admission ticket (GRANT's optional tail): 128 random bits. */
export const TICKET_BYTES = 16;
export const GRANT_WITH_TICKET_LENGTH = GRANT_LENGTH + TICKET_BYTES;
/** READMIT's proof: an HMAC-SHA-256 keyed by the ticket. */
export const READMIT_PROOF_BYTES = 32;
export const READMIT_LENGTH = 2;
export const READMIT_WITH_PROOF_LENGTH = READMIT_LENGTH + READMIT_PROOF_BYTES;
/** AUTH_CONFIRM: 2-byte header + an HMAC-SHA-512 tag. */
export const AUTH_CONFIRM_TAG_BYTES = 64;
export const AUTH_CONFIRM_LENGTH = 2 + AUTH_CONFIRM_TAG_BYTES;

/** A HID report is at most 16 KiB (Linux HID_MAX_BUFFER_SIZE); control frames may carry big collections. */
export const MAX_REPORT_BYTES = 16 * 1024;
export const MAX_CONTROL_FRAME_BYTES = 256 * 1024;

/** Outcome of a request to the real device, carried in REPLY. */
export const ReplyStatus = {
  Ok: 0,
  DeviceError: 1,
  NotAllowed: 2,
  Timeout: 3,
  NoSuchDevice: 4,
  Unsupported: 5,
} as const;
export type ReplyStatus = (typeof ReplyStatus)[keyof typeof ReplyStatus];

/** Codes carried by ERROR frames. */
export const ErrorCode = {
  MalformedFrame: 1,
  AuthFailed: 2,
  VersionMismatch: 3,
  PipelineMismatch: 4,
  Internal: 5,
  /**
   * Receiver → sharer, with the device's channel and the reason as text: this receiver's policy
   * (`ferry receive --allow/--deny`) refuses that device, so the sharer sends it nothing more of it.
   * A sharer that predates it ignores the frame, and the receiver drops that device's frames itself.
   */
  DeviceRefused: 6,
  /** The sharer turned this receiver away before approving it. */
  Denied: 7,
  /** The sharer withdrew an approval; the link closes right after. */
  Revoked: 8,
  /**
   * Sharer → receiver: the sharer stops sharing on purpose, and the link closes right after. The
   * in-band twin of the signaling goodbye (transport/goodbye.ts), which can lose its race with the link's
   * close; a link that closes with neither is a sharer that vanished, not one that stopped.
   */
  Stopped: 9,
  /**
   * Sharer → receiver: the sharer's page is going away — closed, or reloaded, which a page cannot tell
   * apart when it goes; a reload resumes the session within seconds with the same devices. So the
   * receiver keeps them for a short while (transport's PAGE_RETURN_MS) instead of ending, and counts it
   * a stop when the page does not come back. The link closes right after. A receiver that predates it
   * sees a problem and then a quiet close, i.e. a lost link (its grace).
   */
  Leaving: 10,
} as const;

/**
 * What an approved receiver may ask of the shared devices, least first; each level includes the ones
 * before it. The table of what each allows is in docs/security.md ("Sharer approval and permissions").
 */
export const PERMISSIONS = ['input', 'input-output', 'full'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** A permission's byte in a GRANT frame: its rank, from 1 (0 is never a grant). */
export const permissionCode = (permission: Permission): number => PERMISSIONS.indexOf(permission) + 1;
