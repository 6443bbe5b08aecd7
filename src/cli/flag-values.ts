/** Parsers of flag values that several `ferry` commands share (commander calls them per occurrence). */
import { InvalidArgumentError } from 'commander';

/** A repeatable flag's values, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A count, seconds or milliseconds: a whole number above zero. */
export function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

/** Seconds or milliseconds where 0 means "none": a whole number, zero or more. */
export function nonNegativeInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return parsed;
}
