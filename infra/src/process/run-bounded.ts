import { spawn } from 'child_process';

export interface BoundedRun {
  /** The exit code, or 128 when a signal ended it. */
  readonly code: number;
  /** What it printed (stdout then stderr interleaved), unless its output went to a file. */
  readonly output: string;
  readonly killed: boolean;
}

/**
 * Run a command to its end, or SIGKILL it after `timeoutMs`. Its output is collected, or appended
 * to the file descriptor `outputFd` (a log) when given. Rejects only when it cannot start.
 */
export function runBounded(
  command: string,
  args: readonly string[],
  o: { timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string; outputFd?: number },
): Promise<BoundedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      env: o.env ?? process.env,
      cwd: o.cwd,
      stdio: ['ignore', o.outputFd ?? 'pipe', o.outputFd ?? 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output, killed });
    });
  });
}
