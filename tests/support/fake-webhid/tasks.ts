/**
 * Chrome answers every WebHID call over Mojo, i.e. in a later task, never synchronously. A MessageChannel
 * posts a real task without setTimeout's 4 ms clamp, so replays at 1 kHz stay possible.
 */
const pending: Array<() => void> = [];
let channel: MessageChannel | undefined;

export function postTask(task: () => void): void {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => pending.shift()?.();
  }
  pending.push(task);
  channel.port2.postMessage(null);
}

/** Resolves in a later task (the fake's stand-in for one Mojo round trip). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => postTask(resolve));
}
