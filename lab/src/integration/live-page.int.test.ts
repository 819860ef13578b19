import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { closeServer, createHttpServer, createMetricsRegistry, defaultHttpTimeouts, listen } from '@fileflow/common';
import { renderFile } from '@fileflow/file-processor';
import { consoleReporter, ensureDebianTools, which } from '@fileflow/infra';
import type { TestEnv } from '@fileflow/testkit';
import { startPipelineEnv, type Pipeline } from '../harness';
import { repoRoot } from '../repo-root';

/**
 * The live page in a real browser (Debian's Chromium, headless, driven by playwright-core):
 * submit a file, see it reach `completed` without a reload, open its content, and pass axe-core
 * with no serious or critical violation. A screenshot is saved with the test's output.
 */
const screenshot = join(repoRoot, '.stack/screenshots/live-page.png');
let env: TestEnv;
let pipeline: Pipeline;
let stop: () => Promise<void>;
let server: Server;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  await ensureDebianTools([{ command: 'chromium', pkg: 'chromium' }], consoleReporter, 'browser');
  ({ env, pipeline, stop } = await startPipelineEnv('livepage', {
    app: { metrics: createMetricsRegistry('api', { processMetrics: false }) },
  }));
  server = createHttpServer(pipeline.app, defaultHttpTimeouts);
  baseUrl = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  browser = await chromium.launch({
    executablePath: which('chromium') ?? '/usr/bin/chromium',
    headless: true,
    // As root, in a machine whose network stops at the registries: no sandbox, no background calls.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 60_000,
  });
}, 600_000);
afterAll(async () => {
  await browser?.close();
  if (server) await closeServer(server);
  await stop?.();
});

it('submits a file, watches it reach completed without a reload, opens its content, and passes axe', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(30_000);
  await page.goto(baseUrl);
  await page.evaluate(() => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true));

  const title = 'Seen in a browser';
  const description = 'From the live page, through the outbox, to S3.';
  await page.getByLabel(/^Title/).fill(title);
  await page.getByLabel(/^Description/).fill(description);
  await page.getByRole('button', { name: 'Create file' }).click();

  const item = page.locator('#files > li').first();
  await item.getByRole('status').filter({ hasText: 'completed' }).waitFor();
  const id = Number((await item.getAttribute('id'))?.replace('file-', ''));
  expect(await env.db.selectFrom('files').select('status').where('id', '=', id).executeTakeFirst()).toEqual({
    status: 'completed',
  });
  // The same document all along: the status came by server-sent events, not a reload.
  expect(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
  await item.locator('.timeline li').filter({ hasText: 'completed' }).waitFor();

  // The health strip filled in.
  await page.locator('#health[aria-busy="false"]').waitFor();

  const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the debugging protocol: the page's Content-Security-Policy (rightly) refuses inline scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string | null; help: string }[] }> };
      }
    ).axe;
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help }));
  });
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(grave).toEqual([]);

  mkdirSync(join(repoRoot, '.stack/screenshots'), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`live page screenshot: ${screenshot} (axe: ${violations.length} minor or moderate findings)`);

  const [content] = await Promise.all([
    page.waitForEvent('response', (r) => r.url().endsWith(`/files/${id}/content`)),
    item.getByRole('link', { name: 'Open its content' }).click(),
  ]);
  expect(content.status()).toBe(200);
  expect(await content.text()).toBe(renderFile(title, description));
  expect(await page.locator('body').innerText()).toContain(description);
}, 120_000);

it('makes a PDF, then deletes it from the page and watches it reach expired without a reload', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(30_000);
  await page.goto(baseUrl);
  await page.getByLabel(/^Title/).fill('A PDF to delete');
  await page.getByLabel('Format').selectOption('pdf');
  await page.getByRole('button', { name: 'Create file' }).click();

  const item = page.locator('#files > li').first();
  await item.getByRole('status').filter({ hasText: 'completed' }).waitFor();
  const id = Number((await item.getAttribute('id'))?.replace('file-', ''));
  expect(await item.locator('.format').innerText()).toBe('PDF');
  await item.getByRole('button', { name: `Delete file #${id}` }).click();
  await item.getByRole('status').filter({ hasText: 'expired' }).waitFor();
  await item.locator('.timeline li').filter({ hasText: 'expired' }).waitFor();
  expect(await item.getByRole('link', { name: 'Open its content' }).isHidden()).toBe(true);
  expect(await env.db.selectFrom('files').select('status').where('id', '=', id).executeTakeFirst()).toEqual({
    status: 'expired',
  });
}, 120_000);
