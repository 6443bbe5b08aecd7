/**
 * How `ferry share`'s positionals split (docs/share.md, "Choosing devices"): device selectors, then
 * optionally a waiting receiver's link or code as the last one. With --replay the only positional is the
 * link or code: a recording and real devices are not mixed in one share. Pure: every fault is a
 * ShareArgumentsError carrying the one line to print (exit code 2).
 */
import { isSelector, parseSelector, SELECTOR_FORMS } from '../node-devices/index.ts';
import { parseJoinTarget, SessionLinkError } from '../transport/index.ts';

export class ShareArgumentsError extends Error {
  override readonly name = 'ShareArgumentsError';
}

export interface ShareArguments {
  /** The device selectors, in order (none with --replay). */
  readonly selectors: readonly string[];
  /** The waiting receiver's link or code; undefined: create a session. */
  readonly target: string | undefined;
}

/** The SessionLinkError of `text` as a link or code, or undefined when it is one. */
function joinTargetError(text: string): SessionLinkError | undefined {
  try {
    parseJoinTarget(text);
    return undefined;
  } catch (error) {
    if (error instanceof SessionLinkError) return error;
    throw error;
  }
}

/** A link (`scheme://`) or a code (`482913-…`): what its own error explains better than a selector's. */
const looksLikeJoinTarget = (text: string) => /^\s*\d+-/.test(text) || text.includes('://');

function checkedSelector(text: string): string {
  try {
    parseSelector(text);
    return text;
  } catch (error) {
    const linkError = looksLikeJoinTarget(text) ? joinTargetError(text) : undefined;
    throw new ShareArgumentsError(linkError?.message ?? (error as Error).message);
  }
}

function replayArguments(positionals: readonly string[]): ShareArguments {
  if (positionals.length > 1 || (positionals.length === 1 && isSelector(positionals[0]!)))
    throw new ShareArgumentsError(
      '--replay shares a recording, not devices: name no device with it (give the devices their own ferry share)',
    );
  const target = positionals[0];
  const linkError = target === undefined ? undefined : joinTargetError(target);
  if (linkError !== undefined) throw new ShareArgumentsError(linkError.message);
  return { selectors: [], target };
}

/** Throws ShareArgumentsError. */
export function splitShareArguments(positionals: readonly string[], replay: boolean): ShareArguments {
  if (replay) return replayArguments(positionals);
  const last = positionals.at(-1);
  const target = last !== undefined && joinTargetError(last) === undefined ? last : undefined;
  const selectors = target === undefined ? positionals : positionals.slice(0, -1);
  if (selectors.length === 0)
    throw new ShareArgumentsError(
      `name a device to share, ${SELECTOR_FORMS}, or a recording with --replay FILE`,
    );
  return { selectors: selectors.map(checkedSelector), target };
}
