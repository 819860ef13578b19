import type { ComponentName, StackInfo } from '../config';
import type { Reporter } from '../log';
import type { StopResult } from '../process/stop';

/** One natively-run piece of infrastructure (a detached process with its own data dir and log). */
export interface LocalComponent {
  name: ComponentName;
  /** What runs, for status/README (e.g. "Apache Kafka 4.3.1 (KRaft)"). */
  description: string;
  /** Ports it listens on (127.0.0.1); the first one is the client port. */
  ports: number[];
  /** Where its data lives (none for Kafka Connect: its state is in Kafka topics). */
  dataDir?: string;
  logFile: string;
  /** A string that appears in the process command line (pid-reuse safe identification). */
  marker: string;
  readyTimeoutMs: number;
  /** Start downloads early (optional); install() awaits the same download. */
  prefetch?(report: Reporter): Promise<void>;
  /** Download / initialise on first use; idempotent and cheap when already done. */
  install(report: Reporter, info: StackInfo): Promise<void>;
  /** Start the detached process and record its pid file; returns the pid. */
  spawn(report: Reporter): Promise<number>;
  /** Cheap readiness check for polling; throws while not ready. */
  probe(info: StackInfo): Promise<void>;
  /** Runs after the probe passes: create database/topics/bucket; deep check when `fresh`. */
  setup(info: StackInfo, report: Reporter, fresh: boolean): Promise<void>;
  /** Graceful stop of the running pid (bounded; SIGKILL as last resort). */
  stop(pid: number): Promise<StopResult>;
}
