import { Command, InvalidArgumentError } from 'commander';
import { receive } from './receive.ts';

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const program = new Command('ferry').description('Ferry: use a USB or HID device from another computer');

program
  .command('receive')
  .description('receive a shared device: with no argument, create a session and print its link')
  .argument('[link-or-code]', 'a share link or short code (e.g. 7-amber-falcon) from a sharer')
  .option('--signal <url>', "signaling server (default: the link's server, or http://localhost:8080)")
  .option('--name <name>', 'the name the sharer sees (default: this host name)')
  .option('--json', 'print one JSON object per line instead of hid-recorder lines', false)
  .option('--sink <sink>', 'where shared devices go: log', 'log')
  .option('--ice <url>', 'a STUN/TURN server URL (repeatable)', collect, [])
  .option('--stats <seconds>', 'seconds between stats lines on stderr', positiveInt, 5)
  .option('--pair-timeout <seconds>', 'give up if the sharer does not connect in time', positiveInt, 30)
  .action(async (target: string | undefined, flags) => {
    if (flags.sink !== 'log') program.error(`unknown sink '${flags.sink}'; available: log`);
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    const result = await receive(
      {
        target,
        signal: flags.signal,
        name: flags.name,
        json: flags.json,
        ice: flags.ice,
        statsIntervalMs: flags.stats * 1000,
        pairTimeoutMs: flags.pairTimeout * 1000,
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      },
      stop.signal,
    );
    if (result.exitCode !== 0) process.stderr.write(`ferry: pairing failed: ${result.reason}\n`);
    // wrtc keeps native handles alive; end explicitly once stdout has drained.
    process.stdout.write('', () => process.exit(result.exitCode));
  });

await program.parseAsync();
