import { describe, expect, it } from 'vitest';
import type { PeerStatus } from '../../../src/transport/index.ts';
import { WireRates } from '../../../src/ui/share-status/wire-rates.ts';

function peer(peerId: string, bytesSent: number | undefined): PeerStatus {
  return {
    peerId,
    name: peerId,
    state: 'open',
    pipeline: '',
    permission: 'full',
    verification: undefined,
    refused: [],
    path:
      bytesSent === undefined
        ? undefined
        : {
            kind: 'direct',
            local: 'host',
            remote: 'host',
            protocol: 'udp',
            rttMs: 1,
            quality: {
              bytesSent,
              bytesReceived: 0,
              checksSent: 1,
              checksAnswered: 1,
              packetsDiscardedOnSend: 0,
              pairChanges: undefined,
            },
          },
  };
}

describe('WireRates', () => {
  it("turns each receiver's cumulative bytesSent into bytes per second between readings", () => {
    let now = 0;
    const rates = new WireRates(() => now);
    rates.update([peer('a', 1000), peer('b', undefined)]);
    expect(rates.perSecond('a')).toBeUndefined();
    now = 500;
    rates.update([peer('a', 1000)]); // the same reading again (status published between path reads)
    now = 1000;
    rates.update([peer('a', 3000), peer('b', undefined)]);
    expect(rates.perSecond('a')).toBe(2000);
    expect(rates.perSecond('b')).toBeUndefined();
    now = 3000;
    rates.update([peer('a', 4000)]);
    expect(rates.perSecond('a')).toBe(500);
    rates.update([]);
    expect(rates.perSecond('a')).toBeUndefined();
  });
});
