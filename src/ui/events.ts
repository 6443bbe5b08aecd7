import type { Permission } from '../transport/index.ts';

/**
 * The custom events components send each other. Each is a class, so listeners get typed payloads and
 * the event name is written once.
 */

/** Asks the app to go to another route without reloading the page. */
export class NavigateEvent extends Event {
  static readonly type = 'ferry-navigate';
  constructor(readonly href: string) {
    super(NavigateEvent.type, { bubbles: true, composed: true });
  }
}

/** The person changed the name peers see. */
export class NameChangeEvent extends Event {
  static readonly type = 'ferry-name-change';
  constructor(readonly name: string) {
    super(NameChangeEvent.type, { bubbles: true, composed: true });
  }
}

/** The sharer approves a waiting receiver, or changes what an approved one may do. */
export class GrantEvent extends Event {
  static readonly type = 'ferry-grant';
  constructor(
    readonly peerId: string,
    readonly permission: Permission,
  ) {
    super(GrantEvent.type, { bubbles: true, composed: true });
  }
}

/** The sharer turns a receiver away: denies a waiting one, or revokes an approved one. */
export class RevokeEvent extends Event {
  static readonly type = 'ferry-revoke';
  constructor(readonly peerId: string) {
    super(RevokeEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    [NavigateEvent.type]: NavigateEvent;
    [NameChangeEvent.type]: NameChangeEvent;
    [GrantEvent.type]: GrantEvent;
    [RevokeEvent.type]: RevokeEvent;
  }
}
