import type { LinkPath, LinkQuality } from '../../transport/index.ts';

/** Numbers for people: "812 B/s", "12.4 kB/s", "1.2 MB/s". */
export function formatBytesPerSecond(bytesPerSecond: number): string {
  if (bytesPerSecond < 1000) return `${bytesPerSecond} B/s`;
  if (bytesPerSecond < 1_000_000) return `${(bytesPerSecond / 1000).toFixed(1)} kB/s`;
  return `${(bytesPerSecond / 1_000_000).toFixed(1)} MB/s`;
}

/** A link's network path for people: "relayed through TURN (relay ↔ srflx, udp) · RTT 12 ms". */
export function formatPath(path: LinkPath): string {
  const how = path.kind === 'relayed' ? 'relayed through TURN' : 'direct';
  const detail = [`${path.local} ↔ ${path.remote}`, ...(path.protocol ? [path.protocol] : [])].join(', ');
  const rtt = path.rttMs === undefined ? '' : ` · RTT ${path.rttMs} ms`;
  return `${how} (${detail})${rtt}`;
}

/** A transport message as a sentence on the page: "this link's secret is wrong" → "This link's secret is wrong." */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * The link's health as getStats gives it: "STUN checks answered 41 of 41 · 0 packets discarded on send".
 * Chromium reports no data-channel packet loss, so unanswered checks are the loss it shows (link-path.ts).
 */
export function formatQuality(quality: LinkQuality): string {
  const checks = `STUN checks answered ${quality.checksAnswered} of ${quality.checksSent}`;
  const discarded = `${quality.packetsDiscardedOnSend} packet${quality.packetsDiscardedOnSend === 1 ? '' : 's'} discarded on send`;
  const changes =
    quality.pairChanges === undefined || quality.pairChanges <= 1
      ? []
      : [`path changed ${quality.pairChanges - 1}×`];
  return [checks, discarded, ...changes].join(' · ');
}
