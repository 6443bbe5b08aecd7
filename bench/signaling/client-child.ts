/**
 * The clients of the signaling bench, in their own process so that their memory and CPU are not counted
 * as the server's. Each op opens real WebSockets, bound to the given source addresses (all of 127/8 is
 * loopback, and each address is its own client to the server's per-address budgets).
 */
import WebSocket from 'ws';
import { serve } from '../ipc.ts';

const held: WebSocket[] = [];

function open(url: string, localAddress: string): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { localAddress });
    socket.once('open', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
  });
}

function reply(socket: WebSocket): Promise<string | undefined> {
  return new Promise((resolve) => {
    const done = (text: string | undefined) => {
      socket.off('message', onMessage);
      socket.off('close', onClose);
      resolve(text);
    };
    const onMessage = (data: WebSocket.RawData) => done(String(data));
    const onClose = () => done(undefined);
    socket.on('message', onMessage);
    socket.on('close', onClose);
  });
}

async function inBatches<T>(count: number, batch: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    results.push(...(await Promise.all(Array.from({ length: size }, (_, i) => task(start + i)))));
  }
  return results;
}

interface SessionsArgs {
  url: string;
  count: number;
  addresses: string[];
}

serve({
  /** `count` sockets, each the creator of one session, kept open and silent. */
  async 'idle-sessions'({ url, count, addresses }: SessionsArgs) {
    const created = await inBatches(count, 250, async (index) => {
      const socket = await open(url, addresses[index % addresses.length] ?? '127.0.0.1');
      if (!socket) return false;
      held.push(socket);
      const answer = reply(socket);
      socket.send(JSON.stringify({ type: 'create', role: 'sharer', name: `idle-${index}` }));
      return (await answer)?.includes('"created"') ?? false;
    });
    return created.filter(Boolean).length;
  },

  /** `count` sessions created and left at once (the create-and-leave pattern), one socket per address. */
  async 'empty-sessions'({ url, count, addresses }: SessionsArgs) {
    const perAddress = Math.ceil(count / addresses.length);
    const created = await inBatches(addresses.length, 100, async (index) => {
      const socket = await open(url, addresses[index] ?? '127.0.0.1');
      if (!socket) return 0;
      let made = 0;
      for (let n = 0; n < perAddress && index * perAddress + n < count; n++) {
        const answer = reply(socket);
        socket.send(JSON.stringify({ type: 'create', role: 'sharer', name: 'empty' }));
        if (!(await answer)?.includes('"created"')) break;
        socket.send(JSON.stringify({ type: 'leave' }));
        made++;
      }
      socket.close();
      return made;
    });
    return created.reduce((sum, made) => sum + made, 0);
  },

  /** Sends `count` copies of `text` over `sockets` sockets and waits for every reply (or close). */
  async 'bad-messages'({
    url,
    count,
    text,
    sockets,
  }: {
    url: string;
    count: number;
    text: string;
    sockets: number;
  }) {
    const opened = await inBatches(sockets, 50, () => open(url, '127.0.0.9'));
    let replies = 0;
    let closed = 0;
    const finished = new Promise<void>((resolve) => {
      const check = () => {
        if (replies >= count || closed === opened.length) resolve();
      };
      for (const socket of opened) {
        socket?.on('message', () => {
          replies++;
          check();
        });
        socket?.on('close', () => {
          closed++;
          check();
        });
      }
    });
    for (let n = 0; n < count; n++) opened[n % opened.length]?.send(text);
    await finished;
    for (const socket of opened) socket?.terminate();
    return { replies, closed };
  },

  /** One address sending garbage as fast as it can, reconnecting whenever the server cuts it off. */
  async flood({ url, count, text }: { url: string; count: number; text: string }) {
    let sent = 0;
    let sockets = 0;
    let refusedSockets = 0;
    let replies = 0;
    while (sent < count) {
      const socket = await open(url, '127.0.0.8');
      sockets++;
      if (!socket) {
        refusedSockets++;
        continue;
      }
      socket.on('message', () => replies++);
      const closed = new Promise((resolve) => socket.once('close', resolve));
      while (sent < count && socket.readyState === WebSocket.OPEN) {
        socket.send(text);
        sent++;
        if (sent % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      socket.terminate();
      await closed;
    }
    return { sent, sockets, refusedSockets, replies };
  },

  'close-all'() {
    for (const socket of held.splice(0)) socket.terminate();
    return true;
  },
});
