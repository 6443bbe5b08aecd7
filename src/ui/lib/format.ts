import type { LinkPath } from '../../transport/index.ts';

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
