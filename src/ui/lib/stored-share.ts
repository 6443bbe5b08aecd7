/**
 * The share this tab is running, kept in sessionStorage so that a reload picks it up again: the session
 * to return to (id, our peer id), its secret and code words, how receivers get in, and which devices to
 * open again (navigator.hid/usb.getDevices() gives back the ones this origin was granted, no chooser).
 * It also keeps the re-admission tickets the share gave its approved receivers, so that they come back
 * in after a reload without a second click (docs/security.md, "Re-admission tickets").
 * sessionStorage is this tab only and gone with it, the same place the receiver's page keeps its secret
 * (route-secret.ts, docs/security.md). What comes back out is validated: it is input like any other.
 */
import * as v from 'valibot';
import { MAX_TICKETS, PERMISSIONS } from '../../transport/index.ts';

const KEY = 'ferry:share';
/** A share into a waiting receiver's session (`/r/<id>`), per session: its secret is route-secret's. */
const JOIN_KEY_PREFIX = 'ferry:share-to:';

const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/));
const Word = v.pipe(v.string(), v.regex(/^[a-z]{1,16}$/));
const Uint16 = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff));
const Label = v.pipe(v.string(), v.maxLength(256));

const StoredDeviceSchema = v.variant('kind', [
  v.object({ kind: v.literal('demo') }),
  v.object({ kind: v.literal('usb-demo') }),
  v.object({ kind: v.literal('hid'), vendorId: Uint16, productId: Uint16, productName: Label }),
  v.object({ kind: v.literal('usb'), vendorId: Uint16, productId: Uint16, serialNumber: v.optional(Label) }),
]);

/** A ticket (16 bytes, base64url) and the permission it readmits with. */
const StoredTicketSchema = v.object({
  ticket: Id,
  permission: v.picklist(PERMISSIONS),
});
/** Absent in shares stored before tickets: their receivers are asked again, as they were then. */
const StoredTickets = v.optional(v.pipe(v.array(StoredTicketSchema), v.maxLength(MAX_TICKETS)));

const StoredShareSchema = v.object({
  version: v.literal(1),
  sessionId: Id,
  peerId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,16}$/)),
  secret: Id,
  words: v.tuple([Word, Word]),
  nameplate: v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,5}$/)),
  codeBurned: v.boolean(),
  pipeline: v.pipe(v.string(), v.maxLength(1024)),
  access: v.object({ anyone: v.boolean(), permission: v.picklist(PERMISSIONS) }),
  devices: v.pipe(v.array(StoredDeviceSchema), v.maxLength(32)),
  tickets: StoredTickets,
});

/** What a reload of a `/r/` page needs besides its link: how receivers get in, and the devices. */
const StoredJoinSchema = v.object({
  version: v.literal(1),
  sessionId: Id,
  pipeline: StoredShareSchema.entries.pipeline,
  access: StoredShareSchema.entries.access,
  devices: StoredShareSchema.entries.devices,
  tickets: StoredTickets,
});

export type StoredDevice = v.InferOutput<typeof StoredDeviceSchema>;
export type StoredShare = v.InferOutput<typeof StoredShareSchema>;
export type StoredJoin = v.InferOutput<typeof StoredJoinSchema>;

/** What was stored is not a share this version can resume (damaged, or from another version). */
export class StoredShareError extends Error {
  override name = 'StoredShareError';
}

/** Parses what `serializeShare` wrote; anything else throws StoredShareError. */
export function parseStoredShare(text: string): StoredShare {
  return parseWith(StoredShareSchema, text);
}

/** Parses what `serializeShare` wrote for a `/r/` share; anything else throws StoredShareError. */
export function parseStoredJoin(text: string): StoredJoin {
  return parseWith(StoredJoinSchema, text);
}

function parseWith<T>(schema: v.GenericSchema<unknown, T>, text: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StoredShareError('the stored share is not JSON');
  }
  const result = v.safeParse(schema, value);
  if (!result.success) {
    throw new StoredShareError(`the stored share is not valid: ${result.issues[0]?.message ?? 'invalid'}`);
  }
  return result.output;
}

export function serializeShare(share: StoredShare | StoredJoin): string {
  return JSON.stringify(share);
}

type TabStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

function storage(): TabStorage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** The share this tab was running before a reload; a damaged entry is dropped, not resumed. */
export function loadStoredShare(): StoredShare | undefined {
  return load(KEY, parseStoredShare);
}

/** The share into receiver session `sessionId` this tab was running before a reload. */
export function loadStoredJoin(sessionId: string): StoredJoin | undefined {
  return load(JOIN_KEY_PREFIX + sessionId, parseStoredJoin);
}

export function saveStoredShare(share: StoredShare): void {
  save(KEY, share);
}

export function saveStoredJoin(share: StoredJoin): void {
  save(JOIN_KEY_PREFIX + share.sessionId, share);
}

/** Forgets every share this tab kept: the next load starts afresh. */
export function clearStoredShare(): void {
  try {
    const tab = storage();
    if (!tab) return;
    const keys = Array.from({ length: tab.length }, (_, i) => tab.key(i) ?? '');
    for (const key of keys) if (key === KEY || key.startsWith(JOIN_KEY_PREFIX)) tab.removeItem(key);
  } catch {
    // Nothing stored, nothing to resume.
  }
}

function load<T>(key: string, parse: (text: string) => T): T | undefined {
  try {
    const text = storage()?.getItem(key);
    return text ? parse(text) : undefined;
  } catch {
    remove(key);
    return undefined;
  }
}

function save(key: string, share: StoredShare | StoredJoin): void {
  try {
    storage()?.setItem(key, serializeShare(share));
  } catch {
    // Full or refused storage: the share goes on; only a reload would not find it.
  }
}

function remove(key: string): void {
  try {
    storage()?.removeItem(key);
  } catch {
    // Refused storage: nothing was stored either.
  }
}
