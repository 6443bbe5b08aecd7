/**
 * The pipeline is written once as a spec string, e.g. `coalesce(4ms,latest),seq(window=64),lz4,encrypt`.
 *
 *   spec  := '' | stage (',' stage)*
 *   stage := name [ '(' [ arg (',' arg)* ] ')' ]
 *   arg   := value | key '=' value          (positional arguments first, in declared order)
 *   value := duration (1ms, 500us, 2s) | whole number | word
 *
 * Stages appear in rising rank (device stages first, then seq, bundle, compression, encrypt); the
 * canonical form names every parameter, in declared order, so it means the same to every version.
 */
import { PipelineSpecError } from './errors.ts';
import { formatParamValue, type ParamDef, type ParamValue, parseParamValue } from './params.ts';
import { STAGES, type StageName } from './registry.ts';
import type { StageDefinition, StageScope } from './stage.ts';

export interface StageSpec {
  readonly name: StageName;
  /** Every declared parameter, defaults filled in; durations in milliseconds. */
  readonly params: Readonly<Record<string, ParamValue>>;
}

export type PipelineSpec = readonly StageSpec[];

/** Fits HelloBody.pipeline (src/protocol/bodies.ts). */
export const MAX_SPEC_LENGTH = 512;

/**
 * Bundle for at most 1 ms: an isolated report leaves at once (the first frame after a quiet window is
 * never held), bursts from high-rate devices share one message. See docs/pipeline.md for the reasoning.
 */
export const DEFAULT_PIPELINE = 'bundle(1ms)';

const definitions: ReadonlyMap<string, StageDefinition> = new Map(STAGES.map((stage) => [stage.name, stage]));

export function stageDefinition(name: string): StageDefinition | undefined {
  return definitions.get(name);
}

export function parsePipelineSpec(text: string): PipelineSpec {
  if (text.length > MAX_SPEC_LENGTH) {
    throw new PipelineSpecError('spec-syntax', `a pipeline spec is at most ${MAX_SPEC_LENGTH} characters`);
  }
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const stages = splitStages(trimmed).map(parseStage);
  checkOrder(stages);
  return stages;
}

export function formatPipelineSpec(spec: PipelineSpec): string {
  return spec.map(formatStage).join(',');
}

/** Checks a spec built in code (not parsed) by round-tripping it through its canonical string. */
export function validatePipelineSpec(spec: PipelineSpec | string): PipelineSpec {
  return parsePipelineSpec(typeof spec === 'string' ? spec : formatPipelineSpec(spec));
}

export interface StageDescription {
  readonly name: string;
  readonly summary: string;
  readonly scope: StageScope;
  readonly params: ReadonlyArray<{ readonly name: string; readonly doc: string; readonly default: string }>;
}

/** Name and one-line explanation of every stage, in pipeline order: for the share page UI. */
export function describeStages(): StageDescription[] {
  return STAGES.map((stage) => ({
    name: stage.name,
    summary: stage.summary,
    scope: stage.scope,
    params: Object.entries(stage.params).map(([name, def]) => ({
      name,
      doc: def.doc,
      default: formatParamValue(def, def.default),
    })),
  }));
}

function splitStages(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    if (depth < 0 || depth > 1) throw new PipelineSpecError('spec-syntax', `unbalanced parenthesis at ${i}`);
    if (char === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw new PipelineSpecError('spec-syntax', 'unclosed parenthesis');
  parts.push(text.slice(start));
  return parts;
}

const STAGE_SYNTAX = /^([a-z][a-z0-9-]*)\s*(?:\(([^()]*)\))?$/;

function parseStage(part: string): StageSpec {
  const match = STAGE_SYNTAX.exec(part.trim());
  if (!match)
    throw new PipelineSpecError('spec-syntax', `'${part.trim()}' is not a stage (name or name(args))`);
  const name = match[1]!;
  const definition = definitions.get(name);
  if (!definition) {
    throw new PipelineSpecError(
      'spec-unknown-stage',
      `unknown stage '${name}'; known stages: ${[...definitions.keys()].join(', ')}`,
    );
  }
  return { name: definition.name as StageName, params: parseArguments(definition, match[2] ?? '') };
}

function parseArguments(definition: StageDefinition, text: string): Record<string, ParamValue> {
  const declared = Object.entries(definition.params);
  const given = new Map<string, string>();
  const args = text.trim() === '' ? [] : text.split(',').map((arg) => arg.trim());
  let sawNamed = false;
  for (const [index, arg] of args.entries()) {
    const named = arg.includes('=');
    if (!named && sawNamed) {
      throw new PipelineSpecError(
        'spec-syntax',
        'positional arguments come before named ones',
        definition.name,
      );
    }
    sawNamed ||= named;
    const [key, value] = named
      ? splitNamed(definition, declared, arg)
      : positional(definition, declared, arg, index);
    if (given.has(key))
      throw new PipelineSpecError('spec-bad-param', `'${key}' given twice`, definition.name);
    given.set(key, value);
  }
  const params: Record<string, ParamValue> = {};
  for (const [key, def] of declared) {
    const value = given.get(key);
    params[key] = value === undefined ? def.default : parseParamValue(definition.name, key, def, value);
  }
  return params;
}

function splitNamed(
  definition: StageDefinition,
  declared: ReadonlyArray<[string, ParamDef]>,
  arg: string,
): [string, string] {
  const equals = arg.indexOf('=');
  const key = arg.slice(0, equals).trim();
  if (!Object.hasOwn(definition.params, key)) {
    const known = declared.map(([name]) => name).join(', ') || 'none';
    throw new PipelineSpecError(
      'spec-bad-param',
      `unknown parameter '${key}' (parameters: ${known})`,
      definition.name,
    );
  }
  return [key, arg.slice(equals + 1).trim()];
}

function positional(
  definition: StageDefinition,
  declared: ReadonlyArray<[string, ParamDef]>,
  arg: string,
  index: number,
): [string, string] {
  const param = declared[index];
  if (!param) {
    throw new PipelineSpecError(
      'spec-bad-param',
      `takes at most ${declared.length} parameter(s)`,
      definition.name,
    );
  }
  return [param[0], arg];
}

function checkOrder(stages: PipelineSpec): void {
  for (let i = 1; i < stages.length; i++) {
    const before = definitions.get(stages[i - 1]!.name)!;
    const after = definitions.get(stages[i]!.name)!;
    if (before.rank === after.rank) {
      const why =
        before.name === after.name
          ? `'${after.name}' appears twice`
          : `'${before.name}' and '${after.name}' exclude each other`;
      throw new PipelineSpecError('spec-duplicate', why);
    }
    if (before.rank > after.rank) {
      throw new PipelineSpecError('spec-order', `'${after.name}' must come before '${before.name}'`);
    }
  }
}

function formatStage(stage: StageSpec): string {
  const definition = definitions.get(stage.name);
  const entries = Object.entries(stage.params);
  if (entries.length === 0) return stage.name;
  const args = entries.map(([key, value]) => {
    const def = definition?.params[key];
    return `${key}=${def ? formatParamValue(def, value) : String(value)}`;
  });
  return `${stage.name}(${args.join(',')})`;
}
