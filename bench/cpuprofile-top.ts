/**
 * `npx tsx bench/cpuprofile-top.ts <file.cpuprofile>… [--count N]`: the functions of V8 CPU profiles (as
 * `node --cpu-prof` writes them, e.g. `npm run bench -- --only usb --cpu-prof` into bench/out/prof/) by
 * self time, and the same summed per source file, to see where a path's JavaScript time goes.
 * "(idle)" is the thread waiting, "(program)" native work outside JavaScript, "(garbage collector)" GC
 * on this thread.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const countAt = args.indexOf('--count');
const count = countAt >= 0 ? Number(args[countAt + 1]) : 30;
const files = args.filter((arg, i) => !arg.startsWith('--') && (countAt < 0 || i !== countAt + 1));

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const selfById = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) {
    selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const micros = selfById.get(node.id) ?? 0;
    total += micros;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = shortUrl(url);
    const name = `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    byFile.set(where || functionName, (byFile.get(where || functionName) ?? 0) + micros);
  }
  const busy = total - (byFunction.get('(idle) ') ?? 0);
  console.log(`\n${file}: ${(total / 1e3).toFixed(0)} ms sampled, ${(busy / 1e3).toFixed(0)} ms not idle`);
  print('functions by self time', byFunction, busy);
  print('files by self time', byFile, busy);
}

function print(title: string, table: Map<string, number>, busy: number): void {
  console.log(`  ${title} (% of not idle):`);
  for (const [name, micros] of [...table].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(
      `  ${(micros / 1e3).toFixed(0).padStart(7)} ms ${((100 * micros) / busy).toFixed(1).padStart(5)} %  ${name}`,
    );
  }
}

/** node_modules/<pkg>/… or the path under the project (src/…, bench/…). */
function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const project = url.search(/\/(src|bench|tests)\//);
  return project >= 0 ? url.slice(project + 1) : url.replace(/^file:\/\//, '');
}
