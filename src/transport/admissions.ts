/**
 * Who the sharer let in and how far (docs/security.md, "Sharer approval and permissions"): the approval
 * mode, and each approved receiver's permission. A receiver that is not in here gets no device data and
 * has every request refused; the session asks here before it sends or performs anything.
 */
import { type Permission, permits } from './permissions.ts';

/**
 * `ask`: every receiver that proves the secret waits until the sharer approves it (grant) or turns it
 * away (revoke); nothing about the devices reaches it before. `anyone`: it is approved at once.
 */
export type Approval = 'ask' | 'anyone';

export class Admissions {
  private readonly grants = new Map<string, Permission>();

  constructor(
    private approval: Approval = 'ask',
    /** What receivers approved without asking get. */
    private anyonePermission: Permission = 'full',
  ) {}

  /** From now on: ask for each new receiver, or approve it at once with `permission`. */
  set(approval: Approval, permission: Permission = this.anyonePermission): void {
    this.approval = approval;
    this.anyonePermission = permission;
  }

  /** The permission a receiver that just proved the secret gets without asking, if any. */
  get atOnce(): Permission | undefined {
    return this.approval === 'anyone' ? this.anyonePermission : undefined;
  }

  /** Records `permission` for `peerId`; true when that approves it (it was not approved before). */
  grant(peerId: string, permission: Permission): boolean {
    const first = !this.grants.has(peerId);
    this.grants.set(peerId, permission);
    return first;
  }

  /** Forgets `peerId`; true when it had been approved. */
  remove(peerId: string): boolean {
    return this.grants.delete(peerId);
  }

  permissionOf(peerId: string): Permission | undefined {
    return this.grants.get(peerId);
  }

  approved(peerId: string): boolean {
    return this.grants.has(peerId);
  }

  /** True when `peerId` is approved for at least `needed`. */
  allows(peerId: string, needed: Permission): boolean {
    const granted = this.grants.get(peerId);
    return granted !== undefined && permits(granted, needed);
  }
}
