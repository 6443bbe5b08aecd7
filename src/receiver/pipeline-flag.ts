import { InvalidArgumentError } from 'commander';
import { formatPipelineSpec, isPipelineError, parsePipelineSpec } from '../pipeline/index.ts';

/**
 * `--pipeline <spec>`: checked before anything connects, so a typo is a usage error naming the problem
 * (not a mismatch after pairing). Returns the canonical form, which is what HELLO carries.
 */
export function pipelineFlag(value: string): string {
  try {
    return formatPipelineSpec(parsePipelineSpec(value));
  } catch (error) {
    if (isPipelineError(error)) throw new InvalidArgumentError(`${error.message} (see docs/pipeline.md)`);
    throw error;
  }
}
