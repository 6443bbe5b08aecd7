/** What a person sees for any error: one line, `ferry: <what is wrong>`, never a stack trace. */
export function fail(exitCode: number, message: string): never {
  process.stderr.write(`ferry: ${message}\n`);
  process.exit(exitCode);
}

/** One line per call on stdout / stderr, as every command prints. */
export const terminalLines = {
  out: (line: string) => void process.stdout.write(`${line}\n`),
  err: (line: string) => void process.stderr.write(`${line}\n`),
};
