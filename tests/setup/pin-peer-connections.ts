/**
 * Unit tests' workaround for a native crash of @roamhq/wrtc 0.10 (WonderInventions/node-webrtc#35): a
 * closed RTCPeerConnection that the garbage collector finalizes can take the whole process down with a
 * segfault in ~RTCPeerConnection. A test worker makes dozens of connections and lives for seconds, so it
 * keeps every one it made reachable until it exits: closed connections are never finalized mid-run. The
 * connections themselves are the real ones, unchanged (this subclass only remembers them).
 */
import wrtc from '@roamhq/wrtc';

const made: RTCPeerConnection[] = [];
const Real = wrtc.RTCPeerConnection;

class RememberedPeerConnection extends Real {
  constructor(...args: ConstructorParameters<typeof Real>) {
    super(...args);
    made.push(this);
  }
}

wrtc.RTCPeerConnection = RememberedPeerConnection;
