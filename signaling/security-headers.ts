/**
 * The security headers on every HTTP response of the server (the app, /config.json, /healthz, errors).
 * The page runs only its own bundled script and styles, talks only to its own origin (fetch /config.json,
 * the /signal WebSocket — WebRTC is not governed by CSP), and may not be framed; see docs/security.md.
 */
import type { ServerResponse } from 'node:http';

/**
 * CSP Level 3 lets 'self' match ws:/wss: on the page's own host and port, so connect-src needs no scheme
 * wildcards. Lit's styles are constructable stylesheets (adoptedStyleSheets), which style-src does not
 * govern, so no 'unsafe-inline' either; the QR code is drawn on a canvas, so img-src has no data:.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** WebHID and WebUSB for this origin only (never an embedded frame); the rest the page never uses. */
export const PERMISSIONS_POLICY =
  'hid=(self), usb=(self), serial=(), camera=(), microphone=(), geolocation=()';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // Page paths carry session ids; keep them out of Referer headers sent to anyone.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': PERMISSIONS_POLICY,
  'X-Frame-Options': 'DENY',
};

/** Sets the headers before any handler runs; a handler's own writeHead() keeps them unless it names one. */
export function setSecurityHeaders(response: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
}
