// Latency against load as a small self-contained SVG: one line per percentile, requests/s on x,
// milliseconds on a logarithmic y axis (so 2 ms and 200 ms both read).
export interface CurvePoint {
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly p99_9: number; readonly max: number };
}

const SERIES = [
  { key: 'p50', color: '#1b9e77' },
  { key: 'p99', color: '#d95f02' },
  { key: 'p99_9', color: '#7570b3', label: 'p99.9' },
  { key: 'max', color: '#999999' },
] as const;

export function latencySvg(points: readonly CurvePoint[], { title, targetMs }: { title: string; targetMs?: number }): string {
  const width = 640;
  const height = 400;
  const left = 60;
  const right = 110;
  const top = 40;
  const bottom = 50;
  const xMax = Math.max(...points.map((p) => p.requestsPerSecond)) * 1.05;
  const values = points.flatMap((p) => SERIES.map((s) => Math.max(0.1, p.latencyMs[s.key])));
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...values, targetMs ?? Infinity)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...values, targetMs ?? 0)));
  const x = (v: number) => left + (v / xMax) * (width - left - right);
  const y = (v: number) => top + (1 - (Math.log10(Math.max(v, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (height - top - bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="22" font-size="14">${escapeXml(title)}</text>`,
  ];
  for (let decade = yMin; decade <= yMax; decade *= 10) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(decade)}" y2="${y(decade)}" stroke="#ddd"/>`,
      `<text x="${left - 8}" y="${y(decade) + 4}" text-anchor="end">${decade} ms</text>`,
    );
  }
  for (let i = 0; i <= 4; i++) {
    const v = (xMax * i) / 4;
    parts.push(`<text x="${x(v)}" y="${height - bottom + 18}" text-anchor="middle">${Math.round(v)}</text>`);
  }
  parts.push(`<text x="${(left + width - right) / 2}" y="${height - 10}" text-anchor="middle">requests/s</text>`);
  parts.push(
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" stroke="#333"/>`,
    `<line x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}" stroke="#333"/>`,
  );
  if (targetMs !== undefined) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(targetMs)}" y2="${y(targetMs)}" stroke="#c00" stroke-dasharray="4 4"/>`,
      `<text x="${width - right + 6}" y="${y(targetMs) + 4}" fill="#c00">${targetMs} ms</text>`,
    );
  }
  SERIES.forEach((s, i) => {
    const path = points.map((p) => `${x(p.requestsPerSecond).toFixed(1)},${y(p.latencyMs[s.key]).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of points) parts.push(`<circle cx="${x(p.requestsPerSecond).toFixed(1)}" cy="${y(p.latencyMs[s.key]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    parts.push(`<text x="${width - right + 6}" y="${top + 14 + i * 16}" fill="${s.color}">${'label' in s ? s.label : s.key}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
}
