/** `status`: the table of every component and service instance, with the relay mode and the scale. */
import { fmtBytes } from '../log';
import { LOGS_DIR } from '../paths';
import { RELAY_MODE_FILE, readRelayModeState } from '../relay-mode/state-file';
import { formatScale } from '../scale/scale';
import { SCALE_FILE, readScale } from '../scale/scale-file';
import { statusAll } from './status';

export function pad(s: string, n: number): string {
  return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length);
}

export async function printStatus(): Promise<void> {
  const rows = await statusAll();
  const header = ['NAME', 'STATE', 'PID', 'PORTS', 'READY', 'RSS', 'DATA', 'WHAT'];
  const widths = [18, 12, 9, 12, 7, 10, 10, 0];
  const line = (cols: string[]): string =>
    cols
      .map((c, i) => pad(c, widths[i] ?? 0))
      .join('')
      .trimEnd();
  console.log(line(header));
  for (const r of rows) {
    console.log(
      line([
        r.name,
        r.state,
        r.pid !== undefined ? String(r.pid) : '-',
        r.ports.join(','),
        r.state === 'stopped' ? '-' : r.ready ? 'yes' : 'NO',
        r.rssBytes !== undefined ? fmtBytes(r.rssBytes) : '-',
        r.dataBytes !== undefined ? fmtBytes(r.dataBytes) : '-',
        r.detail,
      ]),
    );
  }
  for (const r of rows) {
    if (r.state === 'running' && !r.ready)
      console.log(`  ${r.name}: not ready: ${r.readyError ?? '?'} (log: ${r.logFile})`);
    if (r.state === 'port-in-use') console.log(`  ${r.name}: not running, but its port is taken by another process`);
  }
  const relay = rows.find((r) => r.name === 'outbox-relay');
  const remembered = readRelayModeState();
  console.log(
    `relay mode: ${remembered ? `${remembered.mode} (since ${remembered.since})` : 'not set yet (polling unless RELAY_MODE says)'}` +
      (relay?.relayMode && relay.relayMode !== remembered?.mode
        ? `; the running relay is in ${relay.relayMode} mode`
        : '') +
      ` (${RELAY_MODE_FILE})`,
  );
  console.log(`scale: ${formatScale(readScale())} (${SCALE_FILE})`);
  console.log(`logs: ${LOGS_DIR}`);
}
