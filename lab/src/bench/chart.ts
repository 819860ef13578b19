import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly group: 'stage' | 'api' | 'drain' | 'e2e';
}

const colours: Record<Bar['group'], string> = {
  stage: '#7f8c8d',
  api: '#2980b9',
  drain: '#27ae60',
  e2e: '#c0392b',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Horizontal bars on a log scale (rates span three orders of magnitude), as SVG. */
export function barChartSvg(title: string, bars: readonly Bar[], width = 1100): string {
  const rowH = 34;
  const left = 440;
  const right = 110;
  const top = 60;
  const height = top + bars.length * rowH + 50;
  const max = Math.max(10, ...bars.map((b) => b.value));
  const decades = Math.ceil(Math.log10(max));
  const x = (v: number) => left + (Math.log10(Math.max(1, v)) / decades) * (width - left - right);
  const grid = Array.from({ length: decades + 1 }, (_, d) => {
    const gx = x(10 ** d);
    return `<line x1="${gx}" y1="${top - 8}" x2="${gx}" y2="${height - 40}" stroke="#ddd"/>
<text x="${gx}" y="${height - 22}" font-size="12" text-anchor="middle" fill="#555">${(10 ** d).toLocaleString('en-US')}</text>`;
  }).join('\n');
  const rows = bars
    .map((b, i) => {
      const y = top + i * rowH;
      const w = Math.max(1, x(b.value) - left);
      return `<text x="${left - 10}" y="${y + 20}" font-size="14" text-anchor="end">${esc(b.label)}</text>
<rect x="${left}" y="${y + 5}" width="${w}" height="${rowH - 12}" fill="${colours[b.group]}"/>
<text x="${left + w + 6}" y="${y + 20}" font-size="13">${Math.round(b.value).toLocaleString('en-US')}/s</text>`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="20" y="32" font-size="19" font-weight="bold">${esc(title)}</text>
${grid}
${rows}
<text x="${width - right}" y="${height - 6}" font-size="11" text-anchor="end" fill="#555">items per second, log scale</text>
</svg>`;
}

/** Render `svg` to a PNG with headless Chromium; false (and no file) when Chromium is not installed. */
export function svgToPng(svg: string, pngPath: string): boolean {
  const browser = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) =>
    existsSync(p),
  );
  if (!browser) return false;
  const size = /width="(\d+)" height="(\d+)"/.exec(svg);
  const dir = mkdtempSync(join(tmpdir(), 'bench-chart-'));
  try {
    const html = join(dir, 'chart.html');
    writeFileSync(html, `<html><body style="margin:0">${svg}</body></html>`);
    execFileSync(
      browser,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        `--window-size=${size?.[1] ?? 1000},${size?.[2] ?? 600}`,
        `--screenshot=${join(dir, 'chart.png')}`,
        `file://${html}`,
      ],
      { stdio: 'ignore', timeout: 60_000 },
    );
    copyFileSync(join(dir, 'chart.png'), pngPath);
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
