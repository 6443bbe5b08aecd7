/**
 * What other origins may read (docs/web-api.md, docs/security.md): the module web apps import to use a
 * shared device (`/ferry-hid.js`, its source map) and `/config.json`, which that module fetches for its
 * ICE servers. Neither uses cookies or any credential of the visitor, so `*` exposes nothing a plain
 * HTTP client could not fetch already. Everything else stays same-origin.
 */
import type { OutgoingHttpHeaders } from 'node:http';

/** Paths of the built app (dist/) served to any origin. */
export const CROSS_ORIGIN_FILES: ReadonlySet<string> = new Set(['/ferry-hid.js', '/ferry-hid.js.map']);

export const CROSS_ORIGIN_HEADERS: Readonly<OutgoingHttpHeaders> = {
  'Access-Control-Allow-Origin': '*',
  // Overrides the same-origin CORP of security-headers.ts, for pages that require CORP (COEP).
  'Cross-Origin-Resource-Policy': 'cross-origin',
};
