/**
 * `ferry share --replay FILE [link-or-code]`: a headless sharer. It plays a hid-recorder recording as a
 * live HID device (src/node-devices) through the same SharerSession the share page uses
 * (src/sharer/share.ts), to a waiting receiver's link or code, or to whoever opens the link it prints.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { RecordingSource } from '../devices/recording/index.ts';
import { openRecordingFile, RecordingFileError } from '../node-devices/index.ts';
import { DEFAULT_PIPELINE } from '../pipeline/index.ts';
import { collectIceServer } from '../receiver/ice-flag.ts';
import { pipelineFlag } from '../receiver/pipeline-flag.ts';
import { EXIT_CODES } from '../receiver/receive.ts';
import { share } from '../sharer/index.ts';
import { PERMISSIONS, type Permission, parseJoinTarget } from '../transport/index.ts';
import { fail, terminalLines } from './fail.ts';
import { positiveInt } from './flag-values.ts';
import { checkJoinTarget } from './receive.ts';

export const SHARE_EXAMPLES = `
Examples:
  ferry share --replay pad.hid 'https://ferry.example/r/<id>#<secret>'   play to a waiting ferry receive
  ferry share --replay pad.hid 482913-amber-falcon                      … by its short code
  ferry share --replay pad.hid --anyone                                 print a link; let its holders in
  ferry share --replay pad.hid --loop --speed 2 --signal https://ferry.example`;

export const SHARE_EXIT_HELP = `
Exit codes:
  ${EXIT_CODES.ended}  the share ended normally: the recording played to its end, or Ctrl-C here
  ${EXIT_CODES.failed}  pairing failed: server unreachable, unknown session or code, the receiver refused
     this secret, no receiver in time (joining)
  ${EXIT_CODES.usage}  the command line is wrong: an unknown option, a malformed link or code, a sharer's
     /s/ link, a recording file that cannot be read or is not a hid-recorder file (the error names the line)
`;

/** `--speed`: how much faster than recorded (2 twice as fast, 0.5 half as fast). */
function speedFlag(value: string): number {
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0) throw new InvalidArgumentError('expected a number above 0');
  return speed;
}

function seconds(us: number): string {
  return (us / 1_000_000).toFixed(1);
}

/** What the share says when it starts playing: how much, how long, how fast. */
function playingLine(source: RecordingSource, flags: ShareFlags): string {
  const { events } = source;
  const span = events.length > 0 ? events[events.length - 1]!.timeUs - events[0]!.timeUs : 0;
  const speed = flags.speed === 1 ? '' : ` at speed ${flags.speed}`;
  const loop = flags.loop ? ', looping' : '';
  return `playing ${events.length} reports of ${source.productName || 'the recording'} (${seconds(span)} s${speed}${loop})`;
}

interface ShareFlags {
  replay: string;
  loop?: boolean;
  speed: number;
  signal?: string;
  name?: string;
  ice?: RTCIceServer[];
  pipeline?: string;
  anyone?: boolean;
  permission: Permission;
  pairTimeout: number;
}

async function openReplay(flags: ShareFlags): Promise<RecordingSource> {
  try {
    return await openRecordingFile(flags.replay, { speed: flags.speed, loop: flags.loop ?? false });
  } catch (error) {
    if (error instanceof RecordingFileError) fail(EXIT_CODES.usage, error.message);
    throw error;
  }
}

/** A sharer's link already has a sharer: sharing into it is a mix-up, not something to try. */
function isSharersLink(target: string): boolean {
  const parsed = parseJoinTarget(target);
  return parsed.kind === 'link' && parsed.createdBy === 'sharer';
}

export function shareCommand(): Command {
  return new Command('share')
    .description('share a device without a browser: a hid-recorder recording played as a live HID device')
    .argument('[link-or-code]', "a waiting receiver's link (…/r/…) or short code; none: create a session")
    .requiredOption('--replay <file>', 'the hid-recorder file (R:, N:, I:, E: lines) to play as the device')
    .option('--loop', 'play the recording again and again, until Ctrl-C')
    .option('--speed <factor>', 'play faster (2) or slower (0.5) than recorded', speedFlag, 1)
    .option('--signal <url>', "signaling server (default: the link's server, or http://localhost:8080)")
    .option('--name <name>', 'the name receivers see (default: this host name)')
    .option(
      '--ice <url>',
      "a STUN/TURN server besides the signaling server's: stun:HOST[:PORT] or turn:USER:PASSWORD@HOST[:PORT][?transport=udp|tcp] (repeatable)",
      collectIceServer,
    )
    .option(
      '--pipeline <spec>',
      `transform pipeline (default: ${DEFAULT_PIPELINE}; docs/pipeline.md)`,
      pipelineFlag,
    )
    .option(
      '--anyone',
      'let every receiver with the link or code in without asking (default: ask on the terminal)',
    )
    .addOption(
      new Option('--permission <level>', 'what an approved receiver may do')
        .choices(PERMISSIONS)
        .default('input'),
    )
    .option('--pair-timeout <seconds>', 'joining: give up if no receiver connects in time', positiveInt, 30)
    .addHelpText('after', `${SHARE_EXAMPLES}\n${SHARE_EXIT_HELP}`)
    .action(async (target: string | undefined, flags: ShareFlags) => {
      checkJoinTarget(target);
      if (target !== undefined && isSharersLink(target))
        fail(
          EXIT_CODES.usage,
          "this is a sharer's link (/s/): receive with it (ferry receive); share to a receiver's /r/ link",
        );
      const source = await openReplay(flags);
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      const result = await share(
        {
          target,
          signal: flags.signal,
          name: flags.name,
          ice: flags.ice ?? [],
          pipeline: flags.pipeline,
          approval: flags.anyone ? 'anyone' : 'ask',
          permission: flags.permission,
          pairTimeoutMs: flags.pairTimeout * 1000,
          source,
          playingLine: playingLine(source, flags),
          answers: process.stdin,
          ...terminalLines,
        },
        stop.signal,
      );
      // wrtc keeps native handles alive; end explicitly once stdout has drained.
      process.stdout.write('', () => process.exit(result.exitCode));
    });
}
