import type { Request, Response } from 'express';
import { isTerminal } from '@fileflow/common';
import type { FileRow } from '@fileflow/db';
import { fileView } from '../file-view';

export interface FileEventsOptions {
  /** The file now (undefined: it is gone). */
  readonly read: () => Promise<FileRow | undefined>;
  /** How often to look. */
  readonly pollMs: number;
  /** How long one stream stays open; the browser's EventSource then reconnects by itself. */
  readonly maxMs: number;
}

/**
 * `text/event-stream` of one file's status: a `status` event with the file's view now, then one
 * each time its status, attempt or deletion request changes, until it is final (expired, or an
 * attempt's end with no deletion under way: the stream then ends) or `maxMs` passes. It looks every `pollMs`, so it shows changes made by any API instance. Closed by the
 * client, it stops looking.
 */
export async function streamFileEvents(req: Request, res: Response, o: FileEventsOptions): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write(`retry: 1000\n\n`);
  let open = true;
  req.on('close', () => (open = false));
  const deadline = Date.now() + o.maxMs;
  let last: string | undefined;
  try {
    while (open && Date.now() < deadline) {
      const file = await o.read();
      if (!file) break;
      const state = `${file.status}/${file.attempt}/${file.deletion_requested_at ? 'deleting' : ''}`;
      if (state !== last) {
        last = state;
        res.write(`event: status\ndata: ${JSON.stringify(fileView(file))}\n\n`);
      }
      // Final: expired, or an attempt's end with no deletion under way.
      if (file.status === 'expired' || (isTerminal(file.status) && file.deletion_requested_at === null)) break;
      await new Promise((r) => setTimeout(r, Math.min(o.pollMs, Math.max(0, deadline - Date.now()))));
    }
  } finally {
    res.end();
  }
}
