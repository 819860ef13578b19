/** Kafka Connect readiness: GET /connector-plugins lists the Debezium connector, GET /health answers 200. */
import { CONNECT } from '../config';

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body };
}

/**
 * The Connect worker is up: GET /connector-plugins lists the Debezium PostgreSQL connector, and
 * GET /health (KIP-1017) says the worker has finished starting (read its internal topics, joined
 * its group), so connector configs can be PUT right away.
 */
export async function probeConnect(baseUrl: string): Promise<void> {
  const base = baseUrl.replace(/\/+$/, '');
  const plugins = await getJson(`${base}/connector-plugins`);
  if (plugins.status !== 200) throw new Error(`GET ${base}/connector-plugins answered ${plugins.status}`);
  const classes = Array.isArray(plugins.body)
    ? plugins.body.map((p: unknown) => (typeof p === 'object' && p !== null && 'class' in p ? String(p.class) : '?'))
    : [];
  if (!classes.includes(CONNECT.postgresConnectorClass)) {
    throw new Error(
      `GET ${base}/connector-plugins does not list ${CONNECT.postgresConnectorClass} (got: ${classes.join(', ') || 'none'})`,
    );
  }
  const health = await getJson(`${base}/health`);
  if (health.status !== 200) {
    const msg =
      typeof health.body === 'object' && health.body !== null && 'message' in health.body
        ? String(health.body.message)
        : '';
    throw new Error(`GET ${base}/health answered ${health.status}${msg ? `: ${msg}` : ''}`);
  }
}
