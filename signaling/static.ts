/**
 * Serves the built web app (Vite's dist/) from the signaling server, so one process is all a host needs.
 * Paths without a file extension fall back to index.html, because the app routes /s/<sessionId> itself.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CROSS_ORIGIN_FILES, CROSS_ORIGIN_HEADERS } from './cross-origin.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export function createStaticHandler(staticDir: string): RequestHandler {
  const root = resolve(staticDir);
  return async (request, response) => {
    const segments = pathSegments(request.url ?? '/');
    if (segments === undefined) return sendStatus(response, 400);
    const file = await findFile(root, segments);
    if (file === undefined) return sendStatus(response, 404);
    await sendFile(request, response, file, CROSS_ORIGIN_FILES.has(`/${segments.join('/')}`));
  };
}

/** Decoded path segments, or undefined if any could escape the root ("..", encoded slashes, NUL). */
function pathSegments(url: string): string[] | undefined {
  const rawPath = url.split(/[?#]/, 1)[0] ?? '/';
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    const segment = safeDecode(raw);
    if (segment === undefined || segment === '..' || /[/\\\0]/.test(segment)) return undefined;
    if (segment !== '' && segment !== '.') segments.push(segment);
  }
  return segments;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

interface FoundFile {
  path: string;
  size: number;
}

async function findFile(root: string, segments: string[]): Promise<FoundFile | undefined> {
  const path = join(root, ...segments);
  if (path !== root && !path.startsWith(root + sep)) return undefined; // belt and braces
  const found = await regularFile(path);
  if (found !== undefined) return found;
  // A missing asset (it has an extension) is a 404; anything else is an app route.
  const lastSegment = segments.at(-1) ?? '';
  return extname(lastSegment) === '' ? regularFile(join(root, 'index.html')) : undefined;
}

async function regularFile(path: string): Promise<FoundFile | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? { path, size: stats.size } : undefined;
  } catch {
    return undefined;
  }
}

async function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  file: FoundFile,
  crossOrigin: boolean,
): Promise<void> {
  const isHtml = extname(file.path) === '.html';
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file.path)] ?? 'application/octet-stream',
    'Content-Length': file.size,
    // nosniff, Referrer-Policy and the CSP come from security-headers.ts, set before any handler runs.
    // Vite fingerprints assets, but index.html and the unfingerprinted cross-origin module must be
    // fetched fresh to pick up a new build.
    'Cache-Control': isHtml || crossOrigin ? 'no-cache' : 'public, max-age=3600',
    ...(crossOrigin ? CROSS_ORIGIN_HEADERS : {}),
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  await pipeline(createReadStream(file.path), response);
}

export function sendStatus(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${status}\n`);
}
