import { spawn, type ChildProcess } from 'node:child_process';
import { SERVICE_NODE_FLAGS } from '@fileflow/infra';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, freePort } from '@fileflow/testkit';
import { repoRoot } from '../repo-root';

export type ServiceKind = 'api' | 'outbox-relay' | 'file-processor';

/**
 * One service as a real OS process (`node --import tsx <svc>/src/main.ts`), so the failure
 * suite can SIGKILL it and start it again. Output goes to `<logDir>/<name>.log`.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  readonly port: Promise<number>;
  starts = 0;
  /** Exits that nobody asked for (crashes), with their signal or code. */
  readonly crashes: string[] = [];
  private stopping = false;
  /** How the last run ended: exit code, or the signal that killed it. */
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(
    readonly kind: ServiceKind,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
    port?: number,
  ) {
    this.port = port !== undefined ? Promise.resolve(port) : freePort();
  }

  /** Where its output goes. */
  get logFile(): string {
    return join(this.logDir, `${this.kind}.log`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Start with `extraEnv` on top of the base env, and wait until /health/ready answers 200. */
  async start(extraEnv: NodeJS.ProcessEnv = {}, readyTimeoutMs = 60_000): Promise<void> {
    const port = await this.port;
    mkdirSync(this.logDir, { recursive: true });
    const log = createWriteStream(this.logFile, { flags: 'a' });
    this.stopping = false;
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '--import', 'tsx', `${this.kind}/src/main.ts`], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...this.env,
        PORT: String(port),
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    this.starts += 1;
    this.exited = new Promise((r) =>
      child.once('exit', (code, signal) => {
        this.lastExit = { code, signal };
        if (!this.stopping) this.crashes.push(signal ?? `exit ${code}`);
        r(code);
      }),
    );
    await eventually(
      async () => {
        if (!this.running) throw new Error(`${this.kind} exited during start; see ${this.logFile}`);
        // An API sharing its port with others (HTTP_REUSE_PORT) answers for itself on its ADMIN_PORT.
        const probe = extraEnv.ADMIN_PORT ?? this.env.ADMIN_PORT ?? String(port);
        const res = await fetch(`http://127.0.0.1:${probe}/health/ready`, { signal: AbortSignal.timeout(5_000) });
        if (res.status !== 200) throw new Error(`${this.kind} not ready: ${await res.text()}`);
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 100 },
    );
  }

  /** Resolves when the process has exited (e.g. after a planned crash). */
  async waitForExit(timeoutMs = 60_000): Promise<void> {
    await eventually(
      () => {
        if (this.running) throw new Error(`${this.kind} still running`);
      },
      { timeoutMs, intervalMs: 50 },
    );
    await this.exited;
  }

  /** Send `signal`; for SIGKILL/SIGTERM wait until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.child?.kill(signal);
    await this.exited;
  }

  /** Graceful stop (SIGTERM, which drains in-flight work). */
  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }
}
