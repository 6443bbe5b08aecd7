import { InvalidArgumentError } from 'commander';
import { type DeviceSelector, isSelectorError, parseSelectorList } from './policy/index.ts';

/**
 * commander argParser for the repeatable `--allow` / `--deny <selector>` (one may carry a comma list):
 * a bad selector is a usage error naming the problem, before anything connects.
 */
export function collectSelectors(value: string, previous: DeviceSelector[] = []): DeviceSelector[] {
  try {
    return [...previous, ...parseSelectorList(value)];
  } catch (error) {
    if (isSelectorError(error)) throw new InvalidArgumentError(`${error.message} (see docs/receiver.md)`);
    throw error;
  }
}
