/**
 * The path a link uses, read from getStats: the entries below are shaped like the reports of Chromium
 * and @roamhq/wrtc (transport.selectedCandidatePairId → candidate-pair → local/remote-candidate).
 */
import { describe, expect, it } from 'vitest';
import { describePath, pathFromStats } from '../../../src/transport/index.ts';

function report(local: string, remote: string, pair: Record<string, unknown> = {}, transport = true) {
  return [
    ...(transport ? [{ id: 'T', type: 'transport', selectedCandidatePairId: 'P1' }] : []),
    { id: 'P0', type: 'candidate-pair', localCandidateId: 'L0', remoteCandidateId: 'R0', state: 'waiting' },
    { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', ...pair },
    { id: 'L0', type: 'local-candidate', candidateType: 'host', protocol: 'udp' },
    { id: 'R0', type: 'remote-candidate', candidateType: 'host', protocol: 'udp' },
    { id: 'L1', type: 'local-candidate', candidateType: local, protocol: 'udp' },
    { id: 'R1', type: 'remote-candidate', candidateType: remote, protocol: 'udp' },
  ];
}

describe('pathFromStats', () => {
  it.each([
    ['host', 'host', 'direct'],
    ['srflx', 'srflx', 'direct'],
    ['prflx', 'srflx', 'direct'],
    ['relay', 'srflx', 'relayed'],
    ['srflx', 'relay', 'relayed'],
    ['relay', 'relay', 'relayed'],
  ])('%s ↔ %s is %s', (local, remote, kind) => {
    const path = pathFromStats(report(local, remote, { currentRoundTripTime: 0.0124 }));
    expect(path).toEqual({ kind, local, remote, protocol: 'udp', rttMs: 12 });
  });

  it('finds the pair marked selected, or the nominated succeeded one, without a transport entry', () => {
    expect(pathFromStats(report('relay', 'host', { selected: true }, false))?.kind).toBe('relayed');
    const nominated = report('srflx', 'prflx', { nominated: true, state: 'succeeded' }, false);
    expect(pathFromStats(nominated)?.local).toBe('srflx');
  });

  it('names the transport to the TURN server for a relay candidate, and no RTT before one is measured', () => {
    const entries = report('relay', 'srflx');
    Object.assign(entries[5] as object, { relayProtocol: 'tcp' });
    expect(pathFromStats(entries)).toMatchObject({ protocol: 'tcp', rttMs: undefined });
  });

  it("gives the pair's counters as its quality, as Chromium reports them, and none without them", () => {
    const counters = {
      bytesSent: 5000,
      bytesReceived: 800,
      requestsSent: 12,
      responsesReceived: 11,
      packetsDiscardedOnSend: 2,
    };
    const entries = report('host', 'host', counters).map((entry) =>
      entry.type === 'transport' ? { ...entry, selectedCandidatePairChanges: 1 } : entry,
    );
    expect(pathFromStats(entries)?.quality).toEqual({
      bytesSent: 5000,
      bytesReceived: 800,
      checksSent: 12,
      checksAnswered: 11,
      packetsDiscardedOnSend: 2,
      pairChanges: 1,
    });
    // More answers than requests (a retransmitted request answered twice) never reads as negative loss.
    const answeredTwice = pathFromStats(report('host', 'host', { ...counters, responsesReceived: 13 }));
    expect(answeredTwice?.quality?.checksAnswered).toBe(12);
    expect(pathFromStats(report('host', 'host', { bytesSent: 1 }))?.quality).toBeUndefined();
    expect(pathFromStats(report('host', 'host', { ...counters, bytesSent: -1 }))?.quality).toBeUndefined();
  });

  it('is undefined before a pair is chosen, or when the report is not stats', () => {
    expect(pathFromStats(report('host', 'host', {}, false))).toBeUndefined();
    expect(pathFromStats([null, 7, 'x', { id: 1 }])).toBeUndefined();
    expect(pathFromStats([{ id: 'T', type: 'transport', selectedCandidatePairId: 'gone' }])).toBeUndefined();
  });
});

describe('describePath', () => {
  it('is one token group for the CLI stats line', () => {
    expect(
      describePath({ kind: 'relayed', local: 'relay', remote: 'srflx', protocol: 'udp', rttMs: 12 }),
    ).toBe('path=relayed rtt=12ms via=relay/srflx/udp');
    expect(
      describePath({ kind: 'direct', local: 'host', remote: 'host', protocol: undefined, rttMs: undefined }),
    ).toBe('path=direct via=host/host');
    expect(describePath(undefined)).toBe('path=unknown');
  });
});
