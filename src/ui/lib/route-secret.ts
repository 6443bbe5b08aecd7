/**
 * The secret leaves the address bar once the page has read it. A share link's fragment (#secret, or the
 * code words of /code#…) is replaced by the bare path with history.replaceState, so it is no longer in
 * the address bar, the back/forward history, a bookmark or a screenshot of the window. The fragment is
 * kept in sessionStorage — this tab only, gone when the tab closes, never sent anywhere — so that
 * reloading the page (or coming back to it with Back) still finds the session. See docs/security.md.
 */
import { parseRoute, type Route } from './routes.ts';

const KEY_PREFIX = 'ferry:fragment:';

type PageLocation = Pick<Location, 'pathname' | 'search' | 'hash'>;
type PageHistory = Pick<History, 'replaceState' | 'state'>;
type TabStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** True for the routes whose fragment is a secret (or code words) this tab must keep. */
function carriesSecret(route: Route): boolean {
  return route.view === 'receive' || route.view === 'share-to-receiver';
}

/**
 * The route of the current location, with its fragment moved out of the URL into `storage`; a location
 * without a fragment gets the one this tab kept for its path.
 */
export function takeRoute(
  location: PageLocation,
  history: PageHistory,
  storage: TabStorage | undefined,
): Route {
  const key = KEY_PREFIX + location.pathname;
  if (location.hash === '') {
    const kept = read(storage, key);
    return kept === undefined
      ? parseRoute(location)
      : parseRoute({ pathname: location.pathname, hash: kept });
  }
  const route = parseRoute(location);
  // A malformed link stays as it is, so that the user can see what they opened.
  if (!carriesSecret(route)) return route;
  write(storage, key, location.hash);
  history.replaceState(history.state, '', location.pathname + location.search);
  return route;
}

/** The page's sessionStorage, or undefined where storage is off (the secret then lasts until a reload). */
export function tabStorage(): TabStorage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

function read(storage: TabStorage | undefined, key: string): string | undefined {
  try {
    return storage?.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function write(storage: TabStorage | undefined, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // Full or refused storage: the secret is still dropped from the URL; only a reload loses it.
  }
}
