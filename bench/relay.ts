/** The WebSocket relay: a ws server that forwards every binary message from `/sharer` to each `/receiver`. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface Relay {
  url: string;
  close(): Promise<void>;
}

/** `host`: loopback unless told otherwise (the impaired part binds it inside its own network namespace). */
export async function startRelay(host = '127.0.0.1'): Promise<Relay> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const receivers = new Set<WebSocket>();
  wss.on('connection', (socket, request) => {
    if (request.url === '/receiver') {
      receivers.add(socket);
      socket.on('close', () => receivers.delete(socket));
      return;
    }
    socket.on('message', (data: Buffer) => {
      for (const receiver of receivers) receiver.send(data);
    });
  });
  await new Promise<void>((done) => http.listen(0, host, done));
  const url = `ws://${host}:${(http.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise((done) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => http.close(() => done()));
      }),
  };
}
