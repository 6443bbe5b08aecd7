/**
 * Both ends send their canonical spec in HELLO (HelloBody.pipeline). Link stages define the bytes on
 * the wire, so they must be the same stages in the same order at both ends; their parameters only tune
 * each end's own sending (bundle window, reorder wait …) and may differ. Device stages (coalesce,
 * discard, pace) are each end's local policy and are not compared.
 */
import { PipelineError, PipelineMismatchError } from './errors.ts';
import {
  formatPipelineSpec,
  type PipelineSpec,
  parsePipelineSpec,
  stageDefinition,
  validatePipelineSpec,
} from './spec.ts';
import type { Role } from './stage.ts';

/** The link stages, in order: what both ends must share. */
export function wireSignature(spec: PipelineSpec): string {
  return stagesOfScope(spec, 'link')
    .map((stage) => stage.name)
    .join(',');
}

/**
 * The spec this end runs with a peer that announced `remote`: the local spec when the wire stages agree,
 * otherwise a PipelineMismatchError naming both. A remote spec this version cannot parse is a mismatch too.
 * A receiver without an opinion passes the sharer's spec as both arguments.
 */
export function negotiatePipeline(local: PipelineSpec | string, remote: PipelineSpec | string): PipelineSpec {
  const localSpec = typeof local === 'string' ? parsePipelineSpec(local) : local;
  const localText = formatPipelineSpec(localSpec);
  const remoteText = typeof remote === 'string' ? remote : formatPipelineSpec(remote);
  const remoteSpec = parsePeerSpec(remoteText, localText);
  const mine = wireSignature(localSpec);
  const theirs = wireSignature(remoteSpec);
  if (mine !== theirs) {
    throw new PipelineMismatchError(
      `wire stages differ: this end runs '${mine || 'none'}', the peer runs '${theirs || 'none'}'`,
      localText,
      remoteText,
    );
  }
  return localSpec;
}

/** What a receiver states in HELLO when it has no preference: it runs whatever the sharer runs. */
export const NO_PREFERENCE = '';

/**
 * The spec one end runs after the hellos; the sharer's spec is authoritative. The sharer runs its own
 * (checked against the receiver's unless the receiver has no preference). The receiver runs the sharer's
 * device stages with its own link stages (their parameters tune its own sending), or the sharer's whole
 * spec when it has no preference. Throws PipelineMismatchError when the wire stages differ.
 */
export function agreePipeline(role: Role, local: string, remote: string): PipelineSpec {
  if (role === 'sharer') return negotiatePipeline(local, remote === NO_PREFERENCE ? local : remote);
  if (local === NO_PREFERENCE) return parsePeerSpec(remote, NO_PREFERENCE);
  const own = negotiatePipeline(local, remote);
  const sharers = parsePipelineSpec(remote);
  return validatePipelineSpec([...stagesOfScope(sharers, 'device'), ...stagesOfScope(own, 'link')]);
}

/** The peer's spec, or a mismatch when this version cannot read it (a newer stage, say). */
function parsePeerSpec(remoteText: string, localText: string): PipelineSpec {
  try {
    return parsePipelineSpec(remoteText);
  } catch (error) {
    const why = error instanceof PipelineError ? error.message : String(error);
    throw new PipelineMismatchError(
      `the peer's pipeline is not understood here (${why})`,
      localText,
      remoteText,
    );
  }
}

function stagesOfScope(spec: PipelineSpec, scope: 'device' | 'link'): PipelineSpec {
  return spec.filter((stage) => stageDefinition(stage.name)?.scope === scope);
}
