/** One sample of a Prometheus text exposition: its metric name, labels and value. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition (comments and blank lines skipped). */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    if (raw.startsWith('#') || raw.trim() === '') continue;
    const m = line.exec(raw.trim());
    if (!m) throw new Error(`not a Prometheus sample: ${raw}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(label))
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `where`. */
export function sumOf(samples: readonly Sample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** GET `url` and parse it (bounded in time). */
export async function scrape(url: string, timeoutMs = 10_000): Promise<Sample[]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  return parsePrometheusText(await res.text());
}

/**
 * Every metric name an exposition declares or carries: sampled ones, and those with only a
 * `# TYPE` line (a labelled counter nothing has counted yet), a histogram's `_bucket`, `_sum` and
 * `_count` series included.
 */
export function metricNames(text: string): Set<string> {
  const names = new Set(parsePrometheusText(text).map((s) => s.name));
  for (const m of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    const [, name, kind] = m;
    if (!name) continue;
    names.add(name);
    if (kind === 'histogram' || kind === 'summary')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

/** GET `url`'s text (bounded in time). */
export async function scrapeText(url: string, timeoutMs = 10_000): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  return res.text();
}
