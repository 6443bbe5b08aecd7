/**
 * Stage parameters as declared by each stage: a kind, a default, bounds, and one line of documentation.
 * The spec parser validates values against these declarations; stages receive typed values.
 */
import { PipelineSpecError } from './errors.ts';

export interface DurationParam {
  readonly kind: 'duration';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly doc: string;
}

export interface IntegerParam {
  readonly kind: 'int';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly doc: string;
}

export interface ChoiceParam<C extends string = string> {
  readonly kind: 'choice';
  readonly default: C;
  readonly choices: readonly C[];
  readonly doc: string;
}

export type ParamDef = DurationParam | IntegerParam | ChoiceParam;
export type ParamSchema = Readonly<Record<string, ParamDef>>;
export type ParamValue = number | string;

/** The typed values a stage receives: numbers (durations in ms) and choice literals. */
export type ParamValues<S extends ParamSchema> = {
  readonly [K in keyof S]: S[K] extends ChoiceParam<infer C> ? C : number;
};

/** A duration in milliseconds; the spec accepts `us`, `ms` and `s` suffixes. */
export function duration(defaultMs: number, minMs: number, maxMs: number, doc: string): DurationParam {
  return { kind: 'duration', default: defaultMs, min: minMs, max: maxMs, doc };
}

export function integer(defaultValue: number, min: number, max: number, doc: string): IntegerParam {
  return { kind: 'int', default: defaultValue, min, max, doc };
}

export function choice<const C extends string>(
  choices: readonly C[],
  defaultValue: C,
  doc: string,
): ChoiceParam<C> {
  return { kind: 'choice', default: defaultValue, choices, doc };
}

const DURATION = /^(\d+(?:\.\d+)?)(us|ms|s)$/;
const INTEGER = /^\d+$/;
const UNIT_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000 };

export function parseParamValue(stage: string, name: string, def: ParamDef, text: string): ParamValue {
  const fail = (why: string) => new PipelineSpecError('spec-bad-param', `${name}=${text}: ${why}`, stage);
  switch (def.kind) {
    case 'duration': {
      const match = DURATION.exec(text);
      if (!match) throw fail('expected a duration such as 1ms, 500us or 2s');
      // Microsecond resolution keeps parse(format(x)) exact.
      const ms = Math.round(Number(match[1]) * UNIT_MS[match[2]!]! * 1000) / 1000;
      return inRange(ms, def, fail);
    }
    case 'int':
      if (!INTEGER.test(text)) throw fail('expected a whole number');
      return inRange(Number(text), def, fail);
    case 'choice':
      if (!def.choices.includes(text)) throw fail(`expected one of ${def.choices.join(', ')}`);
      return text;
  }
}

function inRange(value: number, def: DurationParam | IntegerParam, fail: (why: string) => Error): number {
  const unit = def.kind === 'duration' ? 'ms' : '';
  if (value < def.min || value > def.max)
    throw fail(`must be between ${def.min}${unit} and ${def.max}${unit}`);
  return value;
}

export function formatParamValue(def: ParamDef, value: ParamValue): string {
  return def.kind === 'duration' ? `${value}ms` : String(value);
}
