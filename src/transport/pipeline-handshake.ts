/**
 * The pipeline part of the hello exchange (docs/pipeline.md, "Negotiation"): which spec this end runs
 * with a peer, and the running pipeline for that link.
 */
import {
  agreePipeline,
  createPipeline,
  formatPipelineSpec,
  type LossEvent,
  negotiatePipeline,
  type Pipeline,
  type PipelineError,
  PipelineMismatchError,
  type PipelineSpec,
  parsePipelineSpec,
  type ReportCodec,
} from '../pipeline/index.ts';
import type { HelloBody } from '../protocol/index.ts';
import type { Role } from './auth.ts';
import type { LinkChannel, LinkFingerprints } from './link.ts';
import { connectionContext, pipelineSecret } from './pipeline-keys.ts';

/** In HELLO.capabilities: this end runs the pipeline its HELLO states. */
export const PIPELINE_CAPABILITY = 'pipeline';

/**
 * The spec this end runs with the peer that sent `hello`, or a PipelineMismatchError naming both specs.
 * A peer without the pipeline capability sends frames as they are, so only a pipeline without link
 * stages can talk to it.
 */
export function agreeWithPeer(role: Role, local: string, hello: HelloBody): PipelineSpec {
  try {
    if (!hello.capabilities.includes(PIPELINE_CAPABILITY)) return negotiatePipeline(local, '');
    return agreePipeline(role, local, hello.pipeline);
  } catch (error) {
    if (!(error instanceof PipelineMismatchError)) throw error;
    const peer = role === 'sharer' ? 'receiver' : 'sharer';
    throw new PipelineMismatchError(
      `pipelines do not match: this ${role} runs '${error.local}', the ${peer} '${error.remote}' (${error.message})`,
      error.local,
      error.remote,
    );
  }
}

export interface LinkPipelineOptions {
  role: Role;
  spec: PipelineSpec;
  /** From what the receiver authenticated with: the link secret, or the secret of the code's CPace run. */
  secret: string;
  sessionId: string;
  fingerprints: LinkFingerprints | undefined;
  codecFor: ((device: number) => ReportCodec | undefined) | undefined;
  send(message: Uint8Array, channel: LinkChannel): void;
  deliver(frame: Uint8Array): void;
  fail(error: PipelineError): void;
  lose(event: LossEvent): void;
  /** Bytes waiting on one of the link's channels. */
  backlog?(channel: LinkChannel): number;
}

/** The pipeline of one link, keyed for `encrypt` from what both ends share. */
export async function openLinkPipeline(options: LinkPipelineOptions): Promise<Pipeline> {
  const [secret, context] = await Promise.all([
    pipelineSecret(options.secret),
    connectionContext(options.sessionId, options.fingerprints),
  ]);
  return createPipeline(options.spec, {
    role: options.role,
    secret,
    connectionContext: context,
    ...(options.codecFor ? { codecFor: options.codecFor } : {}),
    onOutbound: options.send,
    onInbound: options.deliver,
    onError: options.fail,
    onLoss: options.lose,
    ...(options.backlog ? { backlog: options.backlog } : {}),
  });
}

/** The canonical text of a spec given by a person or a default, for HELLO (throws PipelineSpecError). */
export function canonicalPipeline(spec: string): string {
  return formatPipelineSpec(parsePipelineSpec(spec));
}
