/**
 * Per-client-address budgets (docs/security.md): token buckets for new connections, creates, joins, all
 * messages and bad messages, and a cap on the sockets an address holds open. One address flooding any of
 * them is refused with `rate-limited`; every other address keeps its own, untouched budget.
 */
import { type RateLimit, TokenBucket } from './token-bucket.ts';

export type Budget = 'connections' | 'creates' | 'joins' | 'messages' | 'badMessages';

export interface ClientLimits extends Record<Budget, RateLimit> {
  /** Sockets one address may hold open at once. */
  socketsPerAddress: number;
  /** Live sessions one address may have created (enforced by the rooms, which know when sessions end). */
  sessionsPerAddress: number;
}

/**
 * Generous enough for a classroom behind one NAT address and for the test suites, tight enough that one
 * address cannot fill the server or scan nameplates (the arithmetic is in docs/security.md).
 */
export const DEFAULT_CLIENT_LIMITS: Readonly<ClientLimits> = {
  connections: { burst: 120, perMinute: 120 },
  creates: { burst: 30, perMinute: 30 },
  joins: { burst: 60, perMinute: 60 },
  messages: { burst: 500, perMinute: 3000 },
  badMessages: { burst: 30, perMinute: 12 },
  socketsPerAddress: 128,
  sessionsPerAddress: 64,
};

/** Why a request was refused, for the `rate-limited` error. */
export interface Refusal {
  message: string;
  retryAfterMs?: number;
}

const WHAT: Readonly<Record<Budget, string>> = {
  connections: 'new connections',
  creates: 'sessions created',
  joins: 'joins',
  messages: 'messages',
  badMessages: 'bad messages',
};

interface ClientEntry {
  sockets: number;
  readonly buckets: Partial<Record<Budget, TokenBucket>>;
}

export class ClientLedger {
  private readonly clients = new Map<string, ClientEntry>();

  constructor(
    private readonly limits: Readonly<ClientLimits>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Addresses currently remembered (for the memory figures in docs/security.md). */
  get size(): number {
    return this.clients.size;
  }

  /** Admits a new socket from `client`, or says why not. An admitted socket must be `release`d. */
  admit(client: string): Refusal | undefined {
    const entry = this.entry(client);
    if (entry.sockets >= this.limits.socketsPerAddress) {
      return { message: `too many open connections from your address (${this.limits.socketsPerAddress})` };
    }
    const refusal = this.take(client, 'connections');
    if (refusal === undefined) entry.sockets += 1;
    return refusal;
  }

  release(client: string): void {
    const entry = this.clients.get(client);
    if (entry !== undefined) entry.sockets = Math.max(0, entry.sockets - 1);
  }

  /** Spends one token of `budget`, or says how long until there is one. */
  take(client: string, budget: Budget): Refusal | undefined {
    const now = this.now();
    const entry = this.entry(client);
    const bucket = entry.buckets[budget] ?? new TokenBucket(this.limits[budget], now);
    entry.buckets[budget] = bucket;
    if (bucket.take(now)) return undefined;
    const retryAfterMs = bucket.retryAfterMs(now);
    return {
      message: `too many ${WHAT[budget]} from your address; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
      retryAfterMs,
    };
  }

  /** Forgets addresses with no socket whose buckets have refilled: they would start afresh anyway. */
  sweep(): void {
    const now = this.now();
    for (const [client, entry] of this.clients) {
      const settled = Object.values(entry.buckets).every((bucket) => bucket.isFull(now));
      if (entry.sockets === 0 && settled) this.clients.delete(client);
    }
  }

  private entry(client: string): ClientEntry {
    let entry = this.clients.get(client);
    if (entry === undefined) {
      entry = { sockets: 0, buckets: {} };
      this.clients.set(client, entry);
    }
    return entry;
  }
}
