/** Numbers for people: "812 B/s", "12.4 kB/s", "1.2 MB/s". */
export function formatBytesPerSecond(bytesPerSecond: number): string {
  if (bytesPerSecond < 1000) return `${bytesPerSecond} B/s`;
  if (bytesPerSecond < 1_000_000) return `${(bytesPerSecond / 1000).toFixed(1)} kB/s`;
  return `${(bytesPerSecond / 1_000_000).toFixed(1)} MB/s`;
}

/** A transport message as a sentence on the page: "this link's secret is wrong" → "This link's secret is wrong." */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}
