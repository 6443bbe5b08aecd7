/**
 * Ferry's code run (src/transport/code-handshake.ts) between two in-memory ends, as properties: the right
 * code always agrees, a wrong one always fails at both ends, the run is bound to the DTLS fingerprints,
 * and nothing a peer sends raises anything but PakeError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../../src/transport/base64url.ts';
import { CodeHandshake, type CodeHandshakeOptions } from '../../../src/transport/code-handshake.ts';
import { PakeError, startCpace } from '../../../src/transport/cpace.ts';
import { CODE_WORDS } from '../../../src/transport/session-link.ts';

const word = fc.constantFrom(...CODE_WORDS);
const words = fc.tuple(word, word).map(([a, b]) => `${a}-${b}`);
const fingerprint = fc.string({ minLength: 1, maxLength: 110 });
const sessionId = fc.string({ minLength: 22, maxLength: 22 });
const VERIFICATION = new RegExp(`^(${CODE_WORDS.join('|')})( (${CODE_WORDS.join('|')})){3}$`);

interface Views {
  receiverWords: string;
  sharerWords: string;
  sessionId: string;
  /** The fingerprints each end reads from its own SDP. */
  receiverSees: { local: string; remote: string };
  sharerSees: { local: string; remote: string };
}

function ends(views: Views): { receiver: CodeHandshake; sharer: CodeHandshake } {
  const base = (role: CodeHandshakeOptions['role']) => ({
    role,
    sessionId: views.sessionId,
  });
  return {
    receiver: new CodeHandshake({
      ...base('receiver'),
      words: views.receiverWords,
      fingerprints: views.receiverSees,
    }),
    sharer: new CodeHandshake({
      ...base('sharer'),
      words: views.sharerWords,
      fingerprints: views.sharerSees,
    }),
  };
}

/** The three messages of the run, then each end's check of the other's tag. */
function run(views: Views) {
  const { receiver, sharer } = ends(views);
  const sharerTag = sharer.receiveShare(receiver.hello.share);
  const receiverTag = receiver.receiveShare(sharer.hello.share);
  return { atReceiver: () => receiver.confirm(sharerTag), atSharer: () => sharer.confirm(receiverTag) };
}

const linkViews = fc.record({ sessionId, fpReceiver: fingerprint, fpSharer: fingerprint });

function failsWith(code: string, task: () => unknown): void {
  expect(task).toThrowError(PakeError);
  expect(task).toThrowError(expect.objectContaining({ code }));
}

describe('pairing by code (CPace) between two ends', () => {
  it('the right code always agrees on the key and the verification words', () => {
    fc.assert(
      fc.property(words, linkViews, (code, { sessionId, fpReceiver, fpSharer }) => {
        const { atReceiver, atSharer } = run({
          receiverWords: code,
          sharerWords: code,
          sessionId,
          receiverSees: { local: fpReceiver, remote: fpSharer },
          sharerSees: { local: fpSharer, remote: fpReceiver },
        });
        const receiver = atReceiver();
        expect(atSharer()).toEqual(receiver);
        expect(receiver.verification).toMatch(VERIFICATION);
        expect(receiver.pipelineSecret).toMatch(/^[A-Za-z0-9_-]{22}$/);
      }),
      { numRuns: 60 },
    );
  });

  it('agrees whichever end speaks first, or both at once: roles, not message order, fix the parties', () => {
    fc.assert(
      fc.property(words, linkViews, (code, { sessionId, fpReceiver, fpSharer }) => {
        const sharer = new CodeHandshake({
          role: 'sharer',
          words: code,
          sessionId,
          fingerprints: { local: fpSharer, remote: fpReceiver },
        });
        const receiver = new CodeHandshake({
          role: 'receiver',
          words: code,
          sessionId,
          fingerprints: { local: fpReceiver, remote: fpSharer },
        });
        const receiverTag = receiver.receiveShare(sharer.hello.share);
        const sharerTag = sharer.receiveShare(receiver.hello.share);
        expect(receiver.confirm(sharerTag)).toEqual(sharer.confirm(receiverTag));
      }),
      { numRuns: 30 },
    );
  });

  it('a wrong code always fails, at both ends', () => {
    fc.assert(
      fc.property(words, words, linkViews, (mine, theirs, { sessionId, fpReceiver, fpSharer }) => {
        fc.pre(mine !== theirs);
        const { atReceiver, atSharer } = run({
          receiverWords: mine,
          sharerWords: theirs,
          sessionId,
          receiverSees: { local: fpReceiver, remote: fpSharer },
          sharerSees: { local: fpSharer, remote: fpReceiver },
        });
        failsWith('bad-tag', atReceiver);
        failsWith('bad-tag', atSharer);
      }),
      { numRuns: 60 },
    );
  });

  it('is bound to both fingerprints: ends that see different DTLS certificates (a relay in between) fail', () => {
    fc.assert(
      fc.property(words, linkViews, fingerprint, (code, { sessionId, fpReceiver, fpSharer }, relay) => {
        fc.pre(relay !== fpSharer);
        const { atReceiver, atSharer } = run({
          receiverWords: code,
          sharerWords: code,
          sessionId,
          // The receiver talks DTLS to the relay; the sharer to the relay's other leg.
          receiverSees: { local: fpReceiver, remote: relay },
          sharerSees: { local: fpSharer, remote: fpReceiver },
        });
        failsWith('bad-tag', atReceiver);
        failsWith('bad-tag', atSharer);
      }),
      { numRuns: 40 },
    );
  });

  it('another session id is another key', () => {
    const { receiver, sharer } = ends({
      receiverWords: 'amber-falcon',
      sharerWords: 'amber-falcon',
      sessionId: 'a'.repeat(22),
      receiverSees: { local: 'r', remote: 's' },
      sharerSees: { local: 's', remote: 'r' },
    });
    const other = new CodeHandshake({
      role: 'sharer',
      words: 'amber-falcon',
      sessionId: 'b'.repeat(22),
      fingerprints: { local: 's', remote: 'r' },
    });
    const tag = other.receiveShare(receiver.hello.share);
    receiver.receiveShare(other.hello.share);
    failsWith('bad-tag', () => receiver.confirm(tag));
    expect(sharer.hello.share).not.toBe(other.hello.share);
  });

  it("an end's own tag reflected back to it is refused (the tags are role-separated)", () => {
    const { receiver, sharer } = ends({
      receiverWords: 'amber-falcon',
      sharerWords: 'amber-falcon',
      sessionId: 'a'.repeat(22),
      receiverSees: { local: 'r', remote: 's' },
      sharerSees: { local: 's', remote: 'r' },
    });
    const sharerTag = sharer.receiveShare(receiver.hello.share);
    const receiverTag = receiver.receiveShare(sharer.hello.share);
    failsWith('bad-tag', () => receiver.confirm(receiverTag));
    failsWith('bad-tag', () => sharer.confirm(sharerTag));
  });

  it('whatever a peer sends as share or tag, only PakeError comes out', () => {
    const share = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toBase64Url),
      fc.constant(toBase64Url(new Uint8Array(32))), // the identity element
    );
    fc.assert(
      fc.property(share, fc.uint8Array({ maxLength: 80 }), (peerShare, tag) => {
        const end = new CodeHandshake({
          role: 'sharer',
          words: 'amber-falcon',
          sessionId: 'a'.repeat(22),
          fingerprints: undefined,
        });
        try {
          end.receiveShare(peerShare);
          end.confirm(tag);
        } catch (error) {
          expect(error).toBeInstanceOf(PakeError);
          return;
        }
        throw new Error('a random share and tag were accepted');
      }),
      { numRuns: 300 },
    );
  });

  it('the run is strictly in order: no tag before the share, no second share', () => {
    const end = new CodeHandshake({
      role: 'receiver',
      words: 'a-b',
      sessionId: 'x',
      fingerprints: undefined,
    });
    failsWith('bad-tag', () => end.confirm(new Uint8Array(64)));
    const peer = new CodeHandshake({
      role: 'sharer',
      words: 'a-b',
      sessionId: 'x',
      fingerprints: undefined,
    });
    end.receiveShare(peer.hello.share);
    failsWith('bad-element', () => end.receiveShare(peer.hello.share));
  });
});

describe('CPace itself (src/transport/cpace.ts)', () => {
  const utf8 = new TextEncoder();
  const inputs = (ci: string) => ({
    prs: utf8.encode('amber-falcon'),
    ci: utf8.encode(ci),
    sid: utf8.encode('s'),
  });

  it('with the same scalars, a different channel identifier (fingerprint pair) gives a different key', () => {
    const keyFor = (ci: string) => {
      const a = startCpace('initiator', { ...inputs(ci), ad: utf8.encode('receiver') }, 1234567n);
      const b = startCpace('responder', { ...inputs(ci), ad: utf8.encode('sharer') }, 7654321n);
      const keys = a.receive(b.share, utf8.encode('sharer'));
      expect(b.receive(a.share, utf8.encode('receiver')).isk).toEqual(keys.isk);
      return keys.isk;
    };
    expect(keyFor('fp-r|fp-s')).not.toEqual(keyFor('fp-r|fp-x'));
    expect(keyFor('fp-r|fp-s')).toEqual(keyFor('fp-r|fp-s'));
  });

  it('shares are fresh every run, so they say nothing about the code', () => {
    const a = startCpace('initiator', { ...inputs('ci'), ad: new Uint8Array(0) });
    const b = startCpace('initiator', { ...inputs('ci'), ad: new Uint8Array(0) });
    expect(a.share).not.toEqual(b.share);
  });
});
