/**
 * CPU time of this process per thread name (Linux: /proc/self/task/<tid>/schedstat, nanoseconds on CPU),
 * so a row can say whether its cost is JavaScript (the main thread) or @roamhq/wrtc's native threads
 * (network: SCTP and DTLS; signaling; worker). Threads of one name are summed. Empty where /proc is not.
 */
import { readdirSync, readFileSync } from 'node:fs';

export function threadCpuUs(): Record<string, number> {
  const out: Record<string, number> = {};
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const name =
        tid === String(process.pid) ? 'main' : readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      out[name] = (out[name] ?? 0) + ns / 1000;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}
