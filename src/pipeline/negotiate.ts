/**
 * Both ends send their canonical spec in HELLO (HelloBody.pipeline). Link stages define the bytes on
 * the wire, so they must be the same stages in the same order at both ends; their parameters only tune
 * each end's own sending (bundle window, reorder wait …) and may differ. Device stages (coalesce,
 * discard, pace) are each end's local policy and are not compared.
 */
import { PipelineError, PipelineMismatchError } from './errors.ts';
import { formatPipelineSpec, type PipelineSpec, parsePipelineSpec, stageDefinition } from './spec.ts';

/** The link stages, in order: what both ends must share. */
export function wireSignature(spec: PipelineSpec): string {
  return spec
    .filter((stage) => stageDefinition(stage.name)?.scope === 'link')
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
  let remoteSpec: PipelineSpec;
  try {
    remoteSpec = parsePipelineSpec(remoteText);
  } catch (error) {
    const why = error instanceof PipelineError ? error.message : String(error);
    throw new PipelineMismatchError(
      `the peer's pipeline is not understood here (${why})`,
      localText,
      remoteText,
    );
  }
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
