/**
 * The receiver under test, as its own process so its CPU time and RSS are its own. Driven over IPC by
 * bench/latency.ts, bench/throughput.ts and bench/scale.ts (ops below).
 */
import { serve } from '../ipc.ts';
import { Recorder, sharedNow } from './recorder.ts';
import { answerBare, joinFerry, joinRelay, readTag } from './transports.ts';

const recorder = new Recorder();
const record = (stampMs: number, data: Uint8Array) => recorder.add(stampMs, data.length, readTag(data));
let deviceCount = () => 0;
let seqLost = () => 0;
const closers: Array<() => void> = [];

serve({
  async bare({ offer }: { offer: string }) {
    const { answer, close } = await answerBare(offer, record);
    closers.push(close);
    return answer;
  },
  async relay({ url }: { url: string }) {
    closers.push(await joinRelay(url, record));
  },
  async ferry({ signalUrl, sessionId, secret }: { signalUrl: string; sessionId: string; secret: string }) {
    const joined = await joinFerry(signalUrl, sessionId, secret, record);
    deviceCount = joined.devices;
    seqLost = joined.lost;
    closers.push(joined.close);
  },
  devices: () => deviceCount(),
  /** Input reports the receiver's `seq` declared lost (gaps it gave up on), since it joined. */
  seqLost: () => seqLost(),
  start({ capacity, tag }: { capacity: number; tag?: number }) {
    recorder.start(capacity, tag);
  },
  count: () => recorder.delivered,
  arrivals: () => recorder.arrivals,
  late: () => recorder.late,
  stop: () => recorder.stop(),
  now: () => sharedNow(),
  close() {
    for (const close of closers.splice(0)) close();
  },
});
