/**
 * The sharer side of the usb part, as its own process: a simulated Gadget Zero behind a real WebUsbSource,
 * shared by Ferry's real SharerSession over @roamhq/wrtc (one session per pipeline under test) — and the far end of the bare
 * data channel floor (echo.ts). Driven over IPC by bench/usb.ts.
 */
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { SimulatedUsbDevice, WebUsbSource } from '../../src/devices/usb/index.ts';
import {
  SharerSession,
  SignalingClient,
  simplePeerLinks,
  type WebSocketConstructor,
} from '../../src/transport/index.ts';
import { serve } from '../ipc.ts';
import { answerEcho } from './echo.ts';
import { takeSendStats } from './send-stats.ts';
import { threadCpuUs } from './threads.ts';

const closers: Array<() => unknown> = [];

/** One session per call, each with its own Gadget Zero; `pipeline` undefined = the session's default. */
async function host(signalUrl: string, secret: string, pipeline: string | undefined): Promise<string> {
  const signaling = new SignalingClient(WebSocket as unknown as WebSocketConstructor);
  await signaling.connect(signalUrl);
  closers.push(() => signaling.close());
  const source = await WebUsbSource.open(new SimulatedUsbDevice(), { usb: new EventTarget() });
  closers.push(() => source.close());
  const sharer = new SharerSession({
    signaling,
    links: simplePeerLinks(wrtc),
    iceServers: [],
    name: 'bench-usb',
    auth: { link: secret },
    approval: 'anyone',
    ...(pipeline === undefined ? {} : { pipeline }),
  });
  closers.unshift(() => sharer.close());
  sharer.addUsbDevice(source);
  return (await sharer.host()).sessionId;
}

serve({
  /** CPU time of this process so far (all threads, so @roamhq/wrtc's native ones count), µs. */
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  },
  /** The same per thread name (µs): the main thread is JavaScript, the others @roamhq/wrtc's. */
  threads: () => threadCpuUs(),
  /** BENCH_USB_SEND_STATS=1: data channel sends and receipts per label since the last call. */
  sendStats: () => takeSendStats(),
  host: ({ signalUrl, secret, pipeline }: { signalUrl: string; secret: string; pipeline?: string }) =>
    host(signalUrl, secret, pipeline),
  async bare({ offer }: { offer: string }) {
    const { answer, close } = await answerEcho(offer);
    closers.push(close);
    return answer;
  },
  async close() {
    for (const close of closers.splice(0)) await close();
  },
});
