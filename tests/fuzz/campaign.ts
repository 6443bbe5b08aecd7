/**
 * `npm run fuzz [-- --runs N] [--seed S]`: the fuzz campaign behind docs/security.md. Each decoder gets
 * N inputs — random bytes, and its valid seeds mutated (bit flips, truncation, splices, repeated and
 * extreme bytes) by fast-check — and every outcome is counted: accepted, rejected with the decoder's
 * typed error, or a crash (anything else). Exits 1 on any crash, printing the input.
 */
import { runTarget } from './run.ts';
import { fuzzTargets } from './targets.ts';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} takes a positive integer`);
  return value;
}

const runs = flag('--runs', 20_000);
const seed = flag('--seed', 1);
console.log(`| decoder | input | inputs run | accepted | rejected (typed error) | crashes |`);
console.log(`|---|---|---|---|---|---|`);
let crashes = 0;
for (const target of fuzzTargets()) {
  const tally = runTarget(target, runs, seed);
  crashes += tally.crashes;
  const typed = `${tally.rejected} (${target.typedError.name})`;
  console.log(
    `| ${target.name} | ${target.input} | ${runs} | ${tally.accepted} | ${typed} | ${tally.crashes} |`,
  );
  if (tally.firstCrash) console.error(`crash in ${target.name}: ${tally.firstCrash}`);
}
console.log(`\nseed ${seed}, ${runs} inputs per decoder; ${crashes} crashes`);
process.exit(crashes === 0 ? 0 : 1);
