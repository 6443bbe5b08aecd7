/**
 * Every stage Ferry knows, in pipeline order. Adding a stage is adding one file under stages/ and one
 * entry here; the spec parser, negotiation, describeStages() and the pipeline pick it up from this list.
 */
import { bundle } from './stages/bundle.ts';
import { coalesce } from './stages/coalesce.ts';
import { deflate } from './stages/deflate.ts';
import { discard } from './stages/discard.ts';
import { encrypt } from './stages/encrypt.ts';
import { input } from './stages/input.ts';
import { lz4 } from './stages/lz4.ts';
import { pace } from './stages/pace.ts';
import { seq } from './stages/seq.ts';

export const STAGES = [coalesce, discard, pace, seq, input, bundle, deflate, lz4, encrypt] as const;

export type StageName = (typeof STAGES)[number]['name'];
