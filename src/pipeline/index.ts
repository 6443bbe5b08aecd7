export type { Cancel, Clock, Scheduler } from './clock.ts';
export { realClock, realScheduler, VirtualClock } from './clock.ts';
export type { InputReportShape, ReportCodec } from './codec.ts';
export { ValueRole } from './codec.ts';
export type { PipelineErrorCode } from './errors.ts';
export { isPipelineError, PipelineError, PipelineMismatchError, PipelineSpecError } from './errors.ts';
export { reportCodecFromModel } from './hid-codec.ts';
export { agreePipeline, NO_PREFERENCE, negotiatePipeline, wireSignature } from './negotiate.ts';
export type { Pipeline, PipelineOptions, PipelineStats } from './pipeline.ts';
export { createPipeline } from './pipeline.ts';
export type { StageName } from './registry.ts';
export type { PipelineSpec, StageDescription, StageSpec } from './spec.ts';
export {
  DEFAULT_PIPELINE,
  describeStages,
  formatPipelineSpec,
  MAX_SPEC_LENGTH,
  parsePipelineSpec,
  validatePipelineSpec,
} from './spec.ts';
export type { ChannelClass, LossEvent, Role } from './stage.ts';
