/**
 * Unit tests' workaround for a native crash of @roamhq/wrtc 0.10 (WonderInventions/node-webrtc#35): a
 * closed RTCPeerConnection (or one of its data channels) that the garbage collector finalizes can take
 * the whole process down with a segfault in its native destructor. A test worker makes dozens of
 * connections and lives for seconds, so it keeps every connection and data channel it made reachable
 * until it exits: closed ones are never finalized mid-run. They are the real objects, unchanged (this
 * subclass only remembers them).
 */
import wrtc from '@roamhq/wrtc';

const made: unknown[] = [];
const Real = wrtc.RTCPeerConnection;

class RememberedPeerConnection extends Real {
  constructor(...args: ConstructorParameters<typeof Real>) {
    super(...args);
    made.push(this);
    // The answerer's channels come by this event; the offerer's from createDataChannel below.
    this.addEventListener('datachannel', (event) => made.push(event.channel));
  }

  override createDataChannel(...args: Parameters<InstanceType<typeof Real>['createDataChannel']>) {
    const channel = super.createDataChannel(...args);
    made.push(channel);
    return channel;
  }
}

wrtc.RTCPeerConnection = RememberedPeerConnection;
