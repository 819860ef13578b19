import { join } from 'node:path';
import { Router } from 'express';

/** The page's files: plain HTML, CSS and a script, no build step, nothing from a CDN. */
const webDir = join(__dirname, 'web');

/**
 * The live page at `/`: submit a file, watch its status change (server-sent events from
 * `/files/:id/events`), open its content, see its journey (`/files/:id/timeline`) and the
 * pipeline's health (`/pipeline`). Its scripts and styles are files of this origin, so the
 * Content-Security-Policy forbids inline ones.
 */
export function livePage(): Router {
  const router = Router();
  router.get('/', (_req, res) => res.sendFile(join(webDir, 'index.html')));
  for (const file of ['app.js', 'app.css']) router.get(`/${file}`, (_req, res) => res.sendFile(join(webDir, file)));
  return router;
}
