import { MemoryStore, type IncrementResponse, type Options, type Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore } from 'rate-limit-redis';
import type { Logger } from '@fileflow/common';

/**
 * The rate limit's counters in Redis while Redis answers, and in this process's memory while it
 * does not (not connected yet, down, or a command failed): the limit keeps holding through an
 * outage, each instance counting alone as it does without Redis, and never waits on Redis longer
 * than a command's timeout. The fallback is what rate-limiter-flexible calls an insurance limiter.
 *
 * Redis' side is a `RedisStore` (rate-limit-redis), made while Redis is ready and dropped when a
 * command through it fails, so the next request while Redis is ready makes a fresh one: the store
 * loads its Lua scripts when it is made, and a load that failed would otherwise fail every later
 * request, since it only reloads a script that Redis reports missing.
 */
export class RedisOrMemoryStore implements Store {
  readonly localKeys = false;
  private options: Options | undefined;
  private readonly memory = new MemoryStore();
  private redisStore: RedisStore | undefined;
  private usingMemory = false;

  constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
    private readonly logger?: Logger,
  ) {}

  init(options: Options): void {
    this.options = options;
    this.memory.init(options);
  }

  private redis(): RedisStore | undefined {
    if (this.client.status !== 'ready' || !this.options) return undefined;
    if (!this.redisStore) {
      const client = this.client;
      const store = new RedisStore({
        prefix: this.keyPrefix,
        sendCommand: (command: string, ...args: string[]) =>
          client.call(command, ...args) as Promise<boolean | number | string | (boolean | number | string)[]>,
      });
      void store.init(this.options);
      // A failed script load is seen by the first command that needs it; never an unhandled rejection.
      store.incrementScriptSha.catch(() => undefined);
      store.getScriptSha.catch(() => undefined);
      this.redisStore = store;
    }
    return this.redisStore;
  }

  /** Run `op` on Redis' store when Redis is ready, else (or when it fails) `fallback` on memory. */
  private async either<T>(op: (s: RedisStore) => Promise<T>, fallback: (m: MemoryStore) => Promise<T> | T): Promise<T> {
    const store = this.redis();
    if (store) {
      try {
        const result = await op(store);
        if (this.usingMemory) this.logger?.info('rate limit counting in Redis again');
        this.usingMemory = false;
        return result;
      } catch (err) {
        if (this.redisStore === store) this.redisStore = undefined;
        this.note(err);
      }
    } else {
      this.note(undefined);
    }
    return fallback(this.memory);
  }

  private note(err: unknown): void {
    if (this.usingMemory) return;
    this.usingMemory = true;
    this.logger?.warn('rate limit counting in this process while Redis is unavailable', {
      ...(err === undefined
        ? { redis: this.client.status }
        : { err: err instanceof Error ? err.message : 'unknown error' }),
    });
  }

  increment(key: string): Promise<IncrementResponse> {
    return this.either(
      (s) => s.increment(key),
      (m) => m.increment(key),
    );
  }

  decrement(key: string): Promise<void> {
    return this.either(
      (s) => s.decrement(key),
      (m) => m.decrement(key),
    );
  }

  resetKey(key: string): Promise<void> {
    return this.either(
      (s) => s.resetKey(key),
      (m) => m.resetKey(key),
    );
  }

  shutdown(): void {
    this.memory.shutdown();
  }
}
