import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClientMessage,
  encodeMessage,
  MAX_MESSAGE_BYTES,
  parseClientMessage,
  parseServerMessage,
  type ServerMessage,
  SignalingProtocolError,
} from '../../../src/protocol/signaling.ts';

const sessionId = 'AbCdEfGhIjKlMnOpQrStUv';

function protocolErrorOf(parse: () => unknown): SignalingProtocolError {
  try {
    parse();
  } catch (error) {
    if (error instanceof SignalingProtocolError) return error;
    throw error;
  }
  throw new Error('expected a SignalingProtocolError');
}

describe('parseClientMessage', () => {
  const valid: ClientMessage[] = [
    { type: 'create', role: 'receiver', name: 'kiosk' },
    { type: 'join', sessionId, role: 'sharer', name: 'laptop' },
    { type: 'join', nameplate: '7', role: 'receiver', name: 'pi' },
    { type: 'signal', to: 'peer_1', data: { type: 'offer', sdp: 'v=0\r\n' } },
    { type: 'signal', to: 'peer_1', data: { renegotiate: true } },
    { type: 'leave' },
  ];

  it.each(valid)('round-trips %j', (message) => {
    expect(parseClientMessage(encodeMessage(message))).toEqual(message);
  });

  it.each([
    ['{"type":"create"', 'bad-json', undefined],
    ['"create"', 'bad-message', undefined],
    ['{"type":42}', 'bad-message', undefined],
    ['{"type":"constructor"}', 'unknown-type', 'constructor'],
    ['{"type":"create","role":"admin","name":"x"}', 'bad-message', 'create'],
    ['{"type":"create","role":"sharer","name":""}', 'bad-message', 'create'],
    [`{"type":"create","role":"sharer","name":"${'n'.repeat(65)}"}`, 'bad-message', 'create'],
    ['{"type":"join","role":"sharer","name":"x"}', 'bad-message', 'join'],
    [
      `{"type":"join","sessionId":"${sessionId}","nameplate":"7","role":"sharer","name":"x"}`,
      'bad-message',
      'join',
    ],
    ['{"type":"join","nameplate":"07","role":"sharer","name":"x"}', 'bad-message', 'join'],
    ['{"type":"signal","to":"p","data":[1]}', 'bad-message', 'signal'],
    ['{"type":"signal","to":"p","data":null}', 'bad-message', 'signal'],
  ])('rejects %s as %s', (text, code, messageType) => {
    const error = protocolErrorOf(() => parseClientMessage(text));
    expect(error.code).toBe(code);
    expect(error.messageType).toBe(messageType);
  });

  it('caps messages at MAX_MESSAGE_BYTES of UTF-8, not UTF-16 units', () => {
    const fits = JSON.stringify({ type: 'signal', to: 'p', data: { sdp: '' } });
    const room = MAX_MESSAGE_BYTES - fits.length;
    expect(parseClientMessage(fits.replace('""', `"${'a'.repeat(room)}"`)).type).toBe('signal');
    expect(
      protocolErrorOf(() => parseClientMessage(fits.replace('""', `"${'a'.repeat(room + 1)}"`))).code,
    ).toBe('too-large');
    // 'é' is one UTF-16 unit but two UTF-8 bytes.
    expect(protocolErrorOf(() => parseClientMessage(fits.replace('""', `"${'é'.repeat(room)}"`))).code).toBe(
      'too-large',
    );
  });

  it('returns a valid message or throws SignalingProtocolError, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => parsesOrRejects(text)),
      { numRuns: 2000 },
    );
  });

  it('returns a valid message or throws SignalingProtocolError, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => parsesOrRejects(JSON.stringify(value) ?? 'null')),
      {
        numRuns: 2000,
      },
    );
  });

  it('…including near-miss messages built from the real field names', () => {
    const field = fc.oneof(
      fc.constantFrom(
        'create',
        'join',
        'signal',
        'leave',
        'sharer',
        'receiver',
        sessionId,
        '7',
        '',
        '__proto__',
      ),
      fc.jsonValue(),
    );
    const nearMiss = fc.dictionary(
      fc.constantFrom('type', 'role', 'name', 'sessionId', 'nameplate', 'to', 'data', '__proto__'),
      field,
    );
    fc.assert(
      fc.property(nearMiss, (value) => parsesOrRejects(JSON.stringify(value))),
      { numRuns: 2000 },
    );
  });
});

function parsesOrRejects(text: string): void {
  let message: ClientMessage;
  try {
    message = parseClientMessage(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SignalingProtocolError);
    return;
  }
  // Whatever got through must survive a round trip unchanged: the parser's output is a valid message.
  expect(parseClientMessage(JSON.stringify(message))).toEqual(message);
  expect(['create', 'join', 'signal', 'leave']).toContain(message.type);
}

describe('parseServerMessage', () => {
  const valid: ServerMessage[] = [
    { type: 'created', sessionId, nameplate: '12', peerId: 'abcdEFGH' },
    {
      type: 'joined',
      sessionId,
      peerId: 'abcdEFGH',
      peers: [{ peerId: 'x1', role: 'receiver', name: 'pi' }],
    },
    { type: 'peer-joined', peer: { peerId: 'x1', role: 'sharer', name: 'laptop' } },
    { type: 'peer-left', peerId: 'x1' },
    { type: 'signal', from: 'x1', data: { type: 'answer', sdp: 'v=0' } },
    { type: 'error', code: 'session-full', message: 'full', inReplyTo: 'join' },
  ];

  it.each(valid)('round-trips %j', (message) => {
    expect(parseServerMessage(encodeMessage(message))).toEqual(message);
  });

  it('refuses to encode a message over the cap', () => {
    const huge: ClientMessage = { type: 'signal', to: 'p', data: { sdp: 'x'.repeat(MAX_MESSAGE_BYTES) } };
    expect(protocolErrorOf(() => encodeMessage(huge)).code).toBe('too-large');
  });
});
