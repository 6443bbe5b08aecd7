/**
 * How peers find each other: a share link, or a short code to type. Platform-free (Web Crypto only).
 *
 * Link:  `${origin}/s/${sessionId}#${secret}` — the secret is 128 random bits in the URL fragment,
 *        which browsers never send to the server. A link made by a waiting receiver (`ferry receive`
 *        with no argument) uses `/r/` instead: whoever opens it shares a device to that receiver.
 * Code:  `${nameplate}-${word}-${word}`, e.g. `482913-amber-falcon` — the server knows only the nameplate;
 *        the two words (16 bits) never leave the peers, who prove them with CPace (code-handshake.ts).
 */

export type SessionLinkErrorCode = 'bad-link' | 'missing-secret' | 'bad-code' | 'unknown-word';

export class SessionLinkError extends Error {
  override name = 'SessionLinkError';

  constructor(
    readonly code: SessionLinkErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * 256 short, everyday words: one random byte picks one without bias. No two differ by a single
 * letter (a test checks), so a one-letter typo is caught locally instead of joining with the wrong secret.
 */
export const CODE_WORDS: readonly string[] = `
  acorn amber anchor anvil apple apron arrow atlas attic bacon badge bagel baker bamboo banjo barn
  basil beach beaver berry bishop bison bloom bobcat bonsai border bottle branch brave bread brick
  bridge brook bubble bucket bugle butter button cabin cable cactus camel canal candle candy canoe
  canyon carrot castle cedar cereal chalk cherry chess cider circle citrus clay cliff clock cloud
  clover coast cobalt comet compass cookie copper coral cotton cougar cowboy coyote crane crayon
  cricket daisy dancer delta denim desert dinner dolphin domino donkey dragon dream drum eagle easel
  echo engine falcon fern fiddle field finch flute forest fossil fox frost galaxy garden garlic gecko
  ginger globe goblin goose grape gravel guitar harbor hazel helmet hermit heron honey igloo iguana
  island ivory jacket jaguar jelly jersey jigsaw jungle kayak kernel kettle kitten kiwi koala ladder
  lagoon lantern lava lemon lilac lizard llama lotus magnet mango maple marble meadow melon meteor
  muffin napkin nectar nickel noodle nugget nutmeg oasis ocean olive onion opal orange orbit orchid
  otter owl oyster paddle panda papaya pasta peanut pebble pencil pepper piano pickle pigeon pillow
  pine pirate planet plum pocket polar pony poppy potato prism pumpkin puzzle quail quartz quilt
  rabbit radar radish raisin raven ribbon river robin salmon salsa satin scarf seagull shadow shell
  silver sketch sled sofa sparrow spinach sponge squash squid statue stone sunset swan teapot thunder
  tiger tomato topaz torch tractor trumpet tulip tundra tunnel turtle tuxedo unicorn valley velvet
  violet violin volcano vortex waffle wagon walnut walrus whale wheat whistle window winter yogurt
  zebra zipper
`
  .trim()
  .split(/\s+/);

const WORD_SET: ReadonlySet<string> = new Set(CODE_WORDS);
const RANDOM_ID = /^[A-Za-z0-9_-]{22}$/;

export type LinkCreator = 'sharer' | 'receiver';

export interface ShareLink {
  sessionId: string;
  secret: string;
  /** Who made the session: opening a sharer's link receives, opening a receiver's link shares. */
  createdBy: LinkCreator;
}

const PATH_LETTER: Record<LinkCreator, string> = { sharer: 's', receiver: 'r' };

export type CodeWords = readonly [string, string];

export interface ShortCode {
  nameplate: string;
  words: CodeWords;
}

export type JoinTarget = ({ kind: 'link' } & ShareLink) | ({ kind: 'code' } & ShortCode);

/** 16 random bytes, base64url (22 characters). */
export function createShareSecret(): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(16)));
}

export function buildShareLink(
  origin: string,
  sessionId: string,
  secret: string,
  createdBy: LinkCreator = 'sharer',
): string {
  return `${origin.replace(/\/+$/, '')}/${PATH_LETTER[createdBy]}/${sessionId}#${secret}`;
}

/** Accepts `…/s/<id>#<secret>` (or `/r/`) and the query forms `…?s=<id>#<secret>` (or `?r=`). */
export function parseShareLink(input: string): ShareLink {
  const url = parseUrl(input.trim());
  const { letter, sessionId } = sessionInUrl(url);
  if (sessionId === undefined || !RANDOM_ID.test(sessionId)) {
    throw new SessionLinkError('bad-link', 'this link does not name a Ferry session');
  }
  const secret = url.hash.slice(1);
  if (!RANDOM_ID.test(secret)) {
    throw new SessionLinkError('missing-secret', 'this link is missing its secret (the part after #)');
  }
  return { sessionId, secret, createdBy: letter === 'r' ? 'receiver' : 'sharer' };
}

export function createCodeWords(): CodeWords {
  const [first = 0, second = 0] = crypto.getRandomValues(new Uint8Array(2));
  return [wordAt(first), wordAt(second)];
}

export function buildShortCode(nameplate: string, words: CodeWords): string {
  return `${nameplate}-${words[0]}-${words[1]}`;
}

/** Case-insensitive, and tolerant of spaces or other separators: " 7 Amber  falcon" reads as 7-amber-falcon. */
export function parseShortCode(input: string): ShortCode {
  const parts = input
    .trim()
    .toLowerCase()
    .split(/[\s\-_.]+/)
    .filter(Boolean);
  const [nameplate, first, second] = parts;
  if (parts.length !== 3 || nameplate === undefined || first === undefined || second === undefined) {
    throw new SessionLinkError('bad-code', 'a code looks like 482913-amber-falcon');
  }
  if (!/^[0-9]{1,6}$/.test(nameplate) || Number(nameplate) === 0) {
    throw new SessionLinkError('bad-code', 'a code starts with a number, like 482913-amber-falcon');
  }
  for (const word of [first, second]) {
    if (!WORD_SET.has(word))
      throw new SessionLinkError('unknown-word', `"${word}" is not a code word; check the spelling`);
  }
  return { nameplate: String(Number(nameplate)), words: [first, second] };
}

/** What a person pasted or typed: a code starts with a digit, anything else must be a link. */
export function parseJoinTarget(input: string): JoinTarget {
  if (/^\s*[0-9]/.test(input)) return { kind: 'code', ...parseShortCode(input) };
  return { kind: 'link', ...parseShareLink(input) };
}

function wordAt(index: number): string {
  return CODE_WORDS[index] ?? CODE_WORDS[0]!;
}

/** The session id and the letter of its path (`/s/<id>`) or query (`?s=<id>`) form. */
function sessionInUrl(url: URL): { letter: string; sessionId: string | undefined } {
  const path = /^\/([sr])\/([^/]+)\/?$/.exec(url.pathname);
  if (path) return { letter: path[1]!, sessionId: path[2] };
  for (const letter of ['s', 'r']) {
    const sessionId = url.searchParams.get(letter);
    if (sessionId !== null) return { letter, sessionId };
  }
  return { letter: 's', sessionId: undefined };
}

function parseUrl(input: string): URL {
  try {
    return new URL(input);
  } catch {
    throw new SessionLinkError('bad-link', 'this is not a link');
  }
}

function toBase64url(bytes: Uint8Array): string {
  const binary = String.fromCharCode(...bytes);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
