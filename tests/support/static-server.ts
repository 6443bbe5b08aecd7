import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticServer {
  /** `http://127.0.0.1:<port>/` — a secure context, as WebHID requires (loopback counts as trustworthy). */
  readonly url: string;
  close(): Promise<void>;
}

const BLANK_PAGE =
  '<!doctype html><meta charset="utf-8"><title>ferry test</title><button id="go">go</button>';

/** By extension: a page's module scripts must come as JavaScript; everything else is a page. */
function contentType(path: string): string {
  return path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8';
}

/** Serves `pages[path]` (or a blank page with one button) on an ephemeral loopback port. */
export async function startStaticServer(pages: Readonly<Record<string, string>> = {}): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    response.setHeader('content-type', contentType(path));
    response.end(pages[path] ?? BLANK_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
