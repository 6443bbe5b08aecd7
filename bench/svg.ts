/**
 * bench/latency.svg: one latency CDF per configuration and rate (x: latency on a log scale, 0.05–200 ms;
 * y: fraction of reports at or under it), one panel per rate. Hand-written SVG, no dependencies.
 */
const COLORS: Record<string, string> = {
  'bare-datachannel': '#555555',
  'ferry-default': '#1f77b4',
  'ferry-unreliable': '#2ca02c',
  'websocket-relay': '#d62728',
};
const PANEL = { width: 360, height: 240, left: 44, top: 28, right: 12, bottom: 36 };
const X_MIN = 0.05;
const X_MAX = 200;

function curve(samples: Float64Array, x: (ms: number) => number, y: (fraction: number) => number): string {
  const sorted = Float64Array.from(samples).sort();
  const points: string[] = [];
  const steps = Math.min(400, sorted.length);
  for (let i = 1; i <= steps; i++) {
    const index = Math.min(sorted.length - 1, Math.ceil((i / steps) * sorted.length) - 1);
    const ms = Math.min(X_MAX, Math.max(X_MIN, sorted[index]!));
    points.push(`${x(ms).toFixed(1)},${y(i / steps).toFixed(1)}`);
  }
  return points.join(' ');
}

export function latencySvg(
  samples: Map<string, Float64Array>,
  rates: readonly number[],
  title: string,
): string {
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const parts: string[] = [];
  rates.forEach((rate, panel) => {
    const ox = panel * PANEL.width;
    const x = (ms: number) => ox + PANEL.left + (Math.log10(ms / X_MIN) / Math.log10(X_MAX / X_MIN)) * plotW;
    const y = (fraction: number) => PANEL.top + (1 - fraction) * plotH;
    parts.push(`<text x="${ox + PANEL.left}" y="18" font-weight="bold">${rate} Hz</text>`);
    parts.push(
      `<rect x="${ox + PANEL.left}" y="${PANEL.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    );
    for (const tick of [0.1, 1, 10, 100]) {
      parts.push(
        `<line x1="${x(tick)}" x2="${x(tick)}" y1="${PANEL.top}" y2="${PANEL.top + plotH}" stroke="#ddd"/>`,
      );
      parts.push(`<text x="${x(tick)}" y="${PANEL.top + plotH + 14}" text-anchor="middle">${tick}</text>`);
    }
    for (const fraction of [0.5, 0.99]) {
      parts.push(
        `<line x1="${ox + PANEL.left}" x2="${ox + PANEL.left + plotW}" y1="${y(fraction)}" y2="${y(fraction)}" stroke="#eee"/>`,
      );
      parts.push(
        `<text x="${ox + PANEL.left - 4}" y="${y(fraction) + 4}" text-anchor="end">${fraction}</text>`,
      );
    }
    parts.push(
      `<text x="${ox + PANEL.left + plotW / 2}" y="${PANEL.height - 6}" text-anchor="middle">latency, ms (log)</text>`,
    );
    for (const [config, color] of Object.entries(COLORS)) {
      const data = samples.get(`${config}@${rate}`);
      if (data?.length)
        parts.push(
          `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${curve(data, x, y)}"/>`,
        );
    }
  });
  const legendY = PANEL.height + 14;
  Object.entries(COLORS).forEach(([config, color], i) => {
    parts.push(
      `<rect x="${PANEL.left + i * 170}" y="${legendY - 9}" width="12" height="10" fill="${color}"/>`,
    );
    parts.push(`<text x="${PANEL.left + i * 170 + 16}" y="${legendY}">${config}</text>`);
  });
  const width = PANEL.width * Math.max(1, rates.length);
  const height = PANEL.height + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 16}" font-family="sans-serif" font-size="11">`,
    `<title>${title}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<g transform="translate(0,16)">${parts.join('')}</g>`,
    `<text x="4" y="12" fill="#444">${title}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
