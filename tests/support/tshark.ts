/** Runs Debian's real tshark over a capture file and returns the fields it decoded, one row a frame. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

export const TSHARK = '/usr/bin/tshark';
const execFileAsync = promisify(execFile);

/** `tshark -r FILE -T fields -e …` (optionally `-Y filter`); multi-valued fields come comma-joined. */
export async function tsharkFields<const F extends string>(
  file: string,
  fields: readonly F[],
  filter?: string,
): Promise<Array<Record<F, string>>> {
  if (!existsSync(TSHARK))
    throw new Error(`${TSHARK} is missing: npm run test:setup (apt-get install tshark)`);
  const args = ['-r', file, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  for (const field of fields) args.push('-e', field);
  if (filter !== undefined) args.push('-Y', filter);
  const { stdout } = await execFileAsync(TSHARK, args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const values = line.split('|');
      return Object.fromEntries(fields.map((field, i) => [field, values[i] ?? ''])) as Record<F, string>;
    });
}
