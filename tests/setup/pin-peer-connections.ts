/**
 * The test workers' half of the workaround for @roamhq/wrtc's finalizer segfault (src/headless/kept-wrtc.ts,
 * docs/webrtc.md): the headless links already keep their connections reachable; this makes every other
 * connection a worker creates — the tests' own raw wrtc peers — the same kept kind, so that none is
 * finalized mid-run. A worker makes dozens, far below the bound.
 */
import wrtc from '@roamhq/wrtc';
import { keptWrtc } from '../../src/headless/kept-wrtc.ts';

wrtc.RTCPeerConnection = keptWrtc.RTCPeerConnection;
