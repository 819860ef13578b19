import { dirname } from 'node:path';
import express, { Router } from 'express';

/** The installed swagger-ui-dist package's folder: its files are the page's scripts and styles. */
const swaggerUiDist = dirname(require.resolve('swagger-ui-dist/package.json'));

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>fileflow API reference</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <main id="swagger-ui" aria-label="API reference"></main>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

/**
 * `/openapi.json` (the contract, generated at start from the zod schemas) and `/docs`, a reference
 * page served from the installed swagger-ui-dist package: nothing is fetched from a CDN, and the
 * page's scripts are files of this origin, so the Content-Security-Policy can forbid inline ones.
 */
export function docsRouter(document: object): Router {
  const router = Router();
  const json = JSON.stringify(document);
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(json);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('text/javascript').send(init);
  });
  router.use('/docs', express.static(swaggerUiDist, { index: false, fallthrough: true }));
  return router;
}
