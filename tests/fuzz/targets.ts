/**
 * Every decoder that reads what a peer, a kernel-side client or a user sends, as a fuzz target: how to
 * feed it one input, which typed error is its only allowed failure, and valid seeds to mutate.
 * Used by the campaign (tests/fuzz/campaign.ts, `npm run fuzz`); the unit tier has its own smaller
 * fast-check runs next to each decoder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HidDescriptorError, parseReportDescriptor } from '../../src/hid/index.ts';
import { PipelineSpecError, parsePipelineSpec } from '../../src/pipeline/index.ts';
import {
  decodeFrame,
  decodeUsbFrame,
  encodeAuthConfirm,
  encodeDeviceGone,
  encodeError,
  encodeGrant,
  encodeHeartbeat,
  encodeHello,
  encodeInputReport,
  encodePing,
  encodeReadmit,
  encodeUsbRequest,
  FrameError,
} from '../../src/protocol/index.ts';
import {
  parseClientMessage,
  parseServerMessage,
  SignalingProtocolError,
} from '../../src/protocol/signaling.ts';
import { parseSelector, SelectorError } from '../../src/receiver/policy/index.ts';
import { decodeUhidEvent } from '../../src/receiver/sinks/uhid/codec.ts';
import { UhidProtocolError } from '../../src/receiver/sinks/uhid/errors.ts';
import { UsbipProtocolError } from '../../src/receiver/sinks/usbip/errors.ts';
import { UsbipParser } from '../../src/receiver/sinks/usbip/parser.ts';
import { CapabilitySet } from '../../src/receiver/sinks/usbredir/caps.ts';
import { UsbredirProtocolError } from '../../src/receiver/sinks/usbredir/errors.ts';
import { UsbredirParser } from '../../src/receiver/sinks/usbredir/parser.ts';
import { HOST_CAPS } from '../../src/receiver/sinks/usbredir/protocol.ts';
import { parseJoinTarget, SessionLinkError } from '../../src/transport/session-link.ts';
import { CORPUS_DIR } from '../support/corpus.ts';

export interface FuzzTarget {
  readonly name: string;
  /** What the decoder reads, for the table. */
  readonly input: string;
  /** The only error class the decoder may throw. */
  readonly typedError: abstract new (
    ...args: never[]
  ) => Error;
  readonly seeds: readonly Uint8Array[];
  /** Text decoders get the bytes as UTF-8 (invalid sequences replaced, as a WebSocket would refuse them). */
  feed(bytes: Uint8Array): void;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

function corpusDescriptors(): Uint8Array[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as { descriptor: string })
    .map(({ descriptor }) => Uint8Array.from(descriptor.match(/../g) ?? [], (h) => Number.parseInt(h, 16)));
}

/** Streaming parsers get each input in three pieces, so every resumable state is reached. */
function inPieces(bytes: Uint8Array, push: (piece: Uint8Array) => void): void {
  const a = Math.floor(bytes.length / 3);
  const b = Math.floor((2 * bytes.length) / 3);
  push(bytes.subarray(0, a));
  push(bytes.subarray(a, b));
  push(bytes.subarray(b));
}

const frameSeeds = [
  encodeInputReport(1, 3, 1234.5, Uint8Array.of(1, 2, 3, 4, 5, 6, 7)),
  encodeDeviceGone(4),
  encodeError(2, 1, 'bad frame'),
  encodePing('ping', 7, 99),
  encodeHeartbeat(),
  encodeGrant('input'),
  encodeGrant('full', new Uint8Array(16).fill(9)),
  encodeReadmit(),
  encodeReadmit(new Uint8Array(32).fill(5)),
  encodeAuthConfirm(new Uint8Array(64).fill(7)),
  encodeHello({
    role: 'receiver',
    name: 'ci',
    capabilities: ['hid'],
    pipeline: 'bundle(1ms)',
    auth: { method: 'code', pake: 'cpace-ristretto255-sha512', share: 'A'.repeat(43) },
  }),
];

const usbSeeds = [
  encodeUsbRequest(1, {
    kind: 'control',
    requestId: 7,
    setup: { requestType: 0x80, request: 6, value: 0x0100, index: 0, length: 18 },
    data: new Uint8Array(0),
  }),
  encodeUsbRequest(1, {
    kind: 'transfer',
    requestId: 8,
    endpoint: 0x01,
    length: 4,
    data: Uint8Array.of(1, 2, 3, 4),
  }),
];

const serverSeeds = [
  '{"type":"created","sessionId":"abcdefgh","nameplate":"123456","peerId":"p1"}',
  '{"type":"joined","sessionId":"abcdefgh","peerId":"p2","peers":[{"peerId":"p1","role":"sharer","name":"x"}]}',
  '{"type":"peer-left","peerId":"p1"}',
  '{"type":"error","code":"rate-limited","message":"slow down","retryAfterMs":100}',
].map((s) => utf8.encode(s));

const signalingSeeds = [
  '{"type":"create","name":"laptop","role":"sharer"}',
  '{"type":"join","sessionId":"abc","name":"ci","role":"receiver"}',
  '{"type":"join-code","nameplate":"123456","name":"ci"}',
  '{"type":"signal","to":"p1","data":{"type":"offer","sdp":"v=0"}}',
  '{"type":"leave"}',
].map((s) => utf8.encode(s));

export function fuzzTargets(): FuzzTarget[] {
  return [
    {
      name: 'wire frames',
      input:
        'data-channel frames (hello with a CPace share, grant, auth confirm, input, error, ping, heartbeat…)',
      typedError: FrameError,
      seeds: frameSeeds,
      feed: (bytes) => void decodeFrame(bytes),
    },
    {
      name: 'USB frames',
      input: 'USB request/completion frames',
      typedError: FrameError,
      seeds: usbSeeds,
      feed: (bytes) => void decodeUsbFrame(bytes),
    },
    {
      name: 'HID report descriptors',
      input: 'raw report descriptors (55 corpus seeds)',
      typedError: HidDescriptorError,
      seeds: corpusDescriptors(),
      feed: (bytes) => void parseReportDescriptor(bytes),
    },
    {
      name: 'USB/IP',
      input: 'a client stream (import, then URBs)',
      typedError: UsbipProtocolError,
      seeds: [new Uint8Array(48)],
      feed: (bytes) => {
        const parser = new UsbipParser();
        inPieces(bytes, (piece) => parser.push(piece, () => parser.enterUrbPhase()));
      },
    },
    {
      name: 'usbredir',
      input: 'a guest stream (hello, then packets)',
      typedError: UsbredirProtocolError,
      seeds: [new Uint8Array(16)],
      feed: (bytes) => {
        const parser = new UsbredirParser(CapabilitySet.of(HOST_CAPS));
        inPieces(bytes, (piece) => parser.push(piece, () => {}));
      },
    },
    {
      name: 'uhid events',
      input: 'events read from /dev/uhid',
      typedError: UhidProtocolError,
      seeds: [Uint8Array.of(11, 0, 0, 0, 1, 2, 3)],
      feed: (bytes) => void decodeUhidEvent(bytes),
    },
    {
      name: 'signaling (client)',
      input: 'WebSocket messages from a client',
      typedError: SignalingProtocolError,
      seeds: signalingSeeds,
      feed: (bytes) => void parseClientMessage(text.decode(bytes)),
    },
    {
      name: 'signaling (server)',
      input: 'WebSocket messages from a server',
      typedError: SignalingProtocolError,
      seeds: serverSeeds,
      feed: (bytes) => void parseServerMessage(text.decode(bytes)),
    },
    {
      name: 'share links and codes',
      input: 'what a user pastes or types',
      typedError: SessionLinkError,
      seeds: ['http://localhost:8080/s/abc#secret', '123456-amber-falcon'].map((s) => utf8.encode(s)),
      feed: (bytes) => void parseJoinTarget(text.decode(bytes)),
    },
    {
      name: 'pipeline specs',
      input: 'a peer hello or --pipeline',
      typedError: PipelineSpecError,
      seeds: ['bundle(1ms),deflate,encrypt', 'seq,lz4'].map((s) => utf8.encode(s)),
      feed: (bytes) => void parsePipelineSpec(text.decode(bytes)),
    },
    {
      name: 'device selectors',
      input: '--allow / --deny',
      typedError: SelectorError,
      seeds: ['046d:c626', 'usage:01:05', 'class:ff'].map((s) => utf8.encode(s)),
      feed: (bytes) => void parseSelector(text.decode(bytes)),
    },
  ];
}
