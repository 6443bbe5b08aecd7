import { Command, InvalidArgumentError } from 'commander';
import { pipelineFlag } from './pipeline-flag.ts';
import { DevicePolicy } from './policy/index.ts';
import { collectSelectors } from './policy-flags.ts';
import { receive } from './receive.ts';
import { collectSinkName, openSinks, SINK_FLAG_DEFAULTS, tcpPort } from './sink-flags.ts';

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
  .option('--sink <sink>', 'log, uhid, usbip or usbredir (repeatable; default: log)', collectSinkName, [])
  .option('--uhid-path <path>', 'the uhid device node', SINK_FLAG_DEFAULTS.uhidPath)
  .option('--usbip-host <host>', 'USB/IP listen address (no authentication!)', SINK_FLAG_DEFAULTS.usbipHost)
  .option('--usbip-port <port>', 'USB/IP listen port', tcpPort, SINK_FLAG_DEFAULTS.usbipPort)
  .option(
    '--usbredir-host <host>',
    'usbredir listen address (no authentication!)',
    SINK_FLAG_DEFAULTS.usbredirHost,
  )
  .option(
    '--usbredir-port <port>',
    'usbredir port of the first device (next: +1)',
    tcpPort,
    SINK_FLAG_DEFAULTS.usbredirPort,
  )
  .option('--ice <url>', 'a STUN/TURN server URL (repeatable)', collect, [])
  .option('--stats <seconds>', 'seconds between stats lines on stderr', positiveInt, 5)
  .option('--pair-timeout <seconds>', 'give up if the sharer does not connect in time', positiveInt, 30)
  .option(
    '--pipeline <spec>',
    "transform pipeline, e.g. 'bundle(1ms),deflate,encrypt' (default: the sharer's)",
    pipelineFlag,
  )
  .option(
    '--allow <selector>',
    'take only matching devices: 046d:c626, 046d:*, usage:01:05, class:03 (repeatable; default: all)',
    collectSelectors,
  )
  .option(
    '--deny <selector>',
    'refuse matching devices, whatever --allow says (repeatable)',
    collectSelectors,
  )
  .action(async (target: string | undefined, flags) => {
    const io = {
      out: (line: string) => process.stdout.write(`${line}\n`),
      err: (line: string) => process.stderr.write(`${line}\n`),
    };
    const sink = await openSinks(flags, io).catch((error: Error) => program.error(`ferry: ${error.message}`));
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
        pipeline: flags.pipeline,
        sink,
        policy: new DevicePolicy(flags.allow, flags.deny),
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
