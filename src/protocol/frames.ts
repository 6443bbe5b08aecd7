import type { DeviceAnnouncement, HelloBody } from './bodies.ts';
import type { GoneReason, Permission, ReplyStatus } from './layout.ts';
import type { UsbFrame } from './usb-messages.ts';

/** Decoded frames. `data` fields are views into the received message (no copy). */
export type Frame =
  | { type: 'hello'; version: number; body: HelloBody }
  | { type: 'announce'; device: number; body: DeviceAnnouncement }
  /** `reason` only when the frame carried one (the 3-byte form); absent means `removed`. */
  | { type: 'device-gone'; device: number; reason?: GoneReason }
  /** `ticket` (a view into the message) only in the long form, sent to receivers that know tickets. */
  | { type: 'grant'; permission: Permission; ticket?: Uint8Array }
  /** A receiver's re-admission proof (view into the message), or undefined: it holds no ticket. */
  | { type: 'readmit'; proof: Uint8Array | undefined }
  /** A CPace key-confirmation tag (view into the message). */
  | { type: 'auth-confirm'; tag: Uint8Array }
  | { type: 'input'; device: number; reportId: number; timestampMs: number; data: Uint8Array }
  | { type: 'output'; device: number; reportId: number; requestId: number; data: Uint8Array }
  | { type: 'feature-get'; device: number; reportId: number; requestId: number }
  | { type: 'feature-set'; device: number; reportId: number; requestId: number; data: Uint8Array }
  | {
      type: 'reply';
      device: number;
      reportId: number;
      requestId: number;
      status: ReplyStatus;
      data: Uint8Array;
    }
  | { type: 'error'; device: number; code: number; message: string }
  | { type: 'ping' | 'pong'; nonce: number; timestampMs: number }
  /** "Still here": sent by an end that has sent nothing else lately (HEARTBEAT_CAPABILITY). */
  | { type: 'heartbeat' }
  /** Generic USB (frame types 0x20–0x2f); see usb-layout.ts. */
  | UsbFrame;

export type FrameOf<T extends Frame['type']> = Extract<Frame, { type: T }>;
