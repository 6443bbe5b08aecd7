/** Which secret a hello proves: the link's (128 bits) or the short code's words. */
export type AuthMethod = 'link' | 'code';

/**
 * - `wrong-secret`: the peer refused the secret this end proved (this end's link or code is wrong);
 * - `bad-proof`: this end refused the peer's proof (the peer's link or code is wrong, or it is an impostor).
 */
export type PeerAuthErrorCode = 'wrong-secret' | 'bad-proof';

const WRONG_SECRET: Readonly<Record<AuthMethod, string>> = {
  link: "this link's secret is wrong — ask for the link again",
  code: 'this code is wrong — check it and try again',
};

/**
 * Authentication between two peers failed. The words are for the person who can act on them: the one who
 * holds the wrong link or typed the wrong code is told what to do; the other end is only told a peer was
 * turned away, which is not its problem (a stranger's typo must not look like a fault in a share).
 */
export class PeerAuthError extends Error {
  override name = 'PeerAuthError';

  constructor(
    readonly code: PeerAuthErrorCode,
    readonly method: AuthMethod,
    message = code === 'wrong-secret' ? WRONG_SECRET[method] : `a peer proved a wrong ${method} secret`,
  ) {
    super(message);
  }
}
