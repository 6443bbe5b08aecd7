/**
 * The app's routes, read from the location. The secret (or code words) is in the fragment, which the
 * browser never sends to the server.
 *
 *   /                      share a device (sharer first)
 *   /s/<sessionId>#secret  receive what a sharer shares
 *   /r/<sessionId>#secret  share a device with a receiver who is waiting
 *   /code#482913-amber-falcon   receive by short code
 */
import { buildShortCode, parseShortCode, type ShortCode } from '../../transport/index.ts';

const RANDOM_ID = /^[A-Za-z0-9_-]{22}$/;

export type Route =
  | { view: 'share' }
  | { view: 'share-to-receiver'; sessionId: string; secret: string }
  | { view: 'receive'; by: 'link'; sessionId: string; secret: string }
  | { view: 'receive'; by: 'code'; code: ShortCode }
  | { view: 'invalid'; message: string };

export const CODE_PATH = '/code';

export function parseRoute(location: Pick<Location, 'pathname' | 'hash'>): Route {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const secret = location.hash.slice(1);
  if (path === '/' || path === '/index.html') return { view: 'share' };
  if (path === CODE_PATH) return codeRoute(decodeURIComponent(secret));
  const session = /^\/([sr])\/([^/]+)$/.exec(path);
  if (!session) return { view: 'invalid', message: 'This page does not exist.' };
  const [, kind, sessionId = ''] = session;
  if (!RANDOM_ID.test(sessionId))
    return { view: 'invalid', message: 'This link does not name a Ferry session.' };
  if (!RANDOM_ID.test(secret)) {
    return {
      view: 'invalid',
      message: 'This link is missing its secret (the part after #). Copy the whole link.',
    };
  }
  return kind === 's'
    ? { view: 'receive', by: 'link', sessionId, secret }
    : { view: 'share-to-receiver', sessionId, secret };
}

function codeRoute(text: string): Route {
  try {
    return { view: 'receive', by: 'code', code: parseShortCode(text) };
  } catch (error) {
    return { view: 'invalid', message: error instanceof Error ? error.message : String(error) };
  }
}

/** Where "Receive with a code" goes (throws SessionLinkError on a malformed code); the words stay in the fragment. */
export function codeHref(text: string): string {
  const { nameplate, words } = parseShortCode(text);
  return `${CODE_PATH}#${buildShortCode(nameplate, words)}`;
}
