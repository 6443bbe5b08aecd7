/**
 * The receiver side of the impaired part, in the receiver's network namespace: Ferry's signaling server
 * and the WebSocket relay (so the sharer reaches both through the wire), and one receiver per
 * configuration — bare @roamhq/wrtc answerer, relay client, Ferry's real ReceiverSession — all feeding
 * one recorder. Driven over IPC by bench/impaired.ts.
 */
import { createFerryServer } from '../../signaling/index.ts';
import { serve } from '../ipc.ts';
import { answerBare, joinFerry, joinRelay } from '../receiver/transports.ts';
import { startRelay } from '../relay.ts';
import { ImpairedRecorder, type ImpairedWindowStart } from './recorder.ts';

const recorder = new ImpairedRecorder();
const record = (stampMs: number, data: Uint8Array) => recorder.add(stampMs, data);
const closers: Array<() => unknown> = [];
const devices = new Map<string, () => number>();

serve({
  async services({ host }: { host: string }) {
    const [server, relay] = await Promise.all([createFerryServer({ port: 0, host }), startRelay(host)]);
    closers.push(
      () => server.close(),
      () => relay.close(),
    );
    return { signalUrl: `${server.url.replace('http', 'ws')}/signal`, relayUrl: relay.url };
  },
  async bare({ offer }: { offer: string }) {
    const { answer, close } = await answerBare(offer, record);
    closers.unshift(close);
    return answer;
  },
  async relay({ url }: { url: string }) {
    closers.unshift(await joinRelay(url, record));
  },
  async ferry(args: {
    config: string;
    signalUrl: string;
    sessionId: string;
    secret: string;
    pipeline?: string;
  }) {
    const joined = await joinFerry(args.signalUrl, args.sessionId, args.secret, record, args.pipeline);
    devices.set(args.config, joined.devices);
    closers.unshift(joined.close);
  },
  devices: ({ config }: { config: string }) => devices.get(config)?.() ?? 0,
  start: (window: ImpairedWindowStart) => recorder.start(window),
  count: () => recorder.delivered,
  total: () => recorder.total,
  stop: () => recorder.stop(),
  async close() {
    for (const close of closers.splice(0)) await close();
  },
});
