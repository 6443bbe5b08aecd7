/** `ferry receive`: the headless receiver (src/receiver/receive.ts) as a command, with its flags and help. */
import { Command } from 'commander';
import { collectIceServer } from '../receiver/ice-flag.ts';
import { pipelineFlag } from '../receiver/pipeline-flag.ts';
import { DevicePolicy } from '../receiver/policy/index.ts';
import { collectSelectors } from '../receiver/policy-flags.ts';
import { EXIT_CODES, receive } from '../receiver/receive.ts';
import { collectSinkName, openSinks, SINK_FLAG_DEFAULTS, tcpPort } from '../receiver/sink-flags.ts';
import { parseJoinTarget, SessionLinkError } from '../transport/index.ts';
import { fail, terminalLines } from './fail.ts';
import { positiveInt } from './flag-values.ts';

export const RECEIVE_EXAMPLES = `
Examples:
  ferry receive 'https://ferry.example/s/<id>#<secret>'   join a share by its link
  ferry receive 482913-amber-falcon                      join a share by its short code
  ferry receive --signal https://ferry.example           wait for a sharer: prints a link and a code
  ferry receive 482913-amber-falcon --sink uhid          make the device real here (/dev/hidrawN)`;

export const RECEIVE_EXIT_HELP = `
Exit codes:
  ${EXIT_CODES.ended}  the share ended normally: the sharer stopped sharing, or Ctrl-C here
  ${EXIT_CODES.failed}  pairing failed: server unreachable, unknown session or code, wrong secret,
     pipelines differ, no sharer in time, a sink could not be opened
  ${EXIT_CODES.usage}  the command line is wrong: an unknown option, a malformed link or code
  ${EXIT_CODES.lost}  the connection was lost after pairing: ICE failed, or the sharer vanished
  ${EXIT_CODES.dismissed}  the sharer turned this receiver away: it denied it, or revoked its access
`;

/** A malformed link or code is a usage error, found before anything opens a port or connects. */
export function checkJoinTarget(target: string | undefined): void {
  try {
    if (target !== undefined) parseJoinTarget(target);
  } catch (error) {
    if (error instanceof SessionLinkError) fail(EXIT_CODES.usage, error.message);
    throw error;
  }
}

export function receiveCommand(): Command {
  return new Command('receive')
    .description('receive a shared device: with no argument, create a session and print its link')
    .argument('[link-or-code]', 'a share link or short code (e.g. 482913-amber-falcon) from a sharer')
    .option('--signal <url>', "signaling server (default: the link's server, or http://localhost:8080)")
    .option('--name <name>', 'the name the sharer sees (default: this host name)')
    .option('--json', 'print one JSON object per line instead of hid-recorder lines')
    .option('--record <file>', 'also write hid-recorder lines to FILE (replays with hid-replay)')
    .option('--capture <file>', 'also write the USB traffic to FILE as pcapng (usbmon; open in Wireshark)')
    .option('--sink <sink>', 'log, uhid, usbip or usbredir (repeatable; default: log)', collectSinkName)
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
    .option(
      '--ice <url>',
      "a STUN/TURN server besides the signaling server's: stun:HOST[:PORT] or turn:USER:PASSWORD@HOST[:PORT][?transport=udp|tcp] (percent-encode : @ % in USER/PASSWORD; repeatable)",
      collectIceServer,
    )
    .option('--stats <seconds>', 'seconds between stats lines on stderr once paired', positiveInt, 5)
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
    .addHelpText('after', `${RECEIVE_EXAMPLES}\n${RECEIVE_EXIT_HELP}`)
    .action(async (target: string | undefined, flags) => {
      checkJoinTarget(target);
      const io = terminalLines;
      const json = flags.json ?? false;
      const sink = await openSinks({ ...flags, json, sink: flags.sink ?? [] }, io).catch((error: Error) =>
        fail(EXIT_CODES.failed, error.message),
      );
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      const result = await receive(
        {
          target,
          signal: flags.signal,
          name: flags.name,
          json,
          ice: flags.ice ?? [],
          statsIntervalMs: flags.stats * 1000,
          pairTimeoutMs: flags.pairTimeout * 1000,
          pipeline: flags.pipeline,
          sink,
          policy: new DevicePolicy(flags.allow, flags.deny),
          ...io,
        },
        stop.signal,
      );
      // wrtc keeps native handles alive; end explicitly once stdout has drained.
      process.stdout.write('', () => process.exit(result.exitCode));
    });
}
