/**
 * Watching the registry's logs: polling over HTTP (chunked `eth_getLogs` from the last block
 * seen), subscriptions over WebSocket providers.
 *
 * @module
 */
import { SocketProvider, SocketSubscriber, type Log, type LogParams, type Provider } from "ethers";
import { latestBlockNumber, queryLogs, type LogFilter } from "./logs.js";

/**
 * Stops a watcher when called (safe to call more than once). `ready` resolves once the watcher
 * has fixed its starting block (polling) or its subscription is live (WebSocket): logs from
 * then on are delivered.
 */
export type Unwatch = (() => void) & { ready: Promise<void> };

/** Options every watcher takes. */
export interface WatchOptions {
  /** Polling interval over HTTP, in milliseconds (default: the client's, 1,000). */
  pollingIntervalMs?: number;
  /** First block to deliver (default: the block after the current one). */
  fromBlock?: number;
}

/** Internal options of {@link watchRegistryLogs}. */
export interface WatchLogsOptions extends WatchOptions {
  chunkSize?: number;
  maxRetries?: number;
  onError?: (error: unknown) => void;
}

/**
 * Delivers every log matching `filter`, once and in order, until the returned function is
 * called. Over a WebSocket provider it subscribes (`eth_subscribe`); otherwise it polls.
 *
 * @example
 * const stop = watchRegistryLogs(provider, { address, topics: [topic] }, (log) => console.log(log));
 */
export function watchRegistryLogs(
  provider: Provider,
  filter: LogFilter,
  onLog: (log: Log) => void,
  options: WatchLogsOptions = {},
): Unwatch {
  const deliver = (log: Log) => {
    try {
      onLog(log);
    } catch (error) {
      options.onError?.(error);
    }
  };
  if (provider instanceof SocketProvider && options.fromBlock === undefined) {
    return subscribeLogs(provider, filter, deliver, options);
  }
  return pollLogs(provider, filter, deliver, options);
}

/**
 * Delivers one `eth_subscribe("logs")` subscription's logs, in the order the node sends them,
 * until stopped.
 */
class LogSubscriber extends SocketSubscriber {
  stopped = false;
  readonly #provider: SocketProvider;
  readonly #deliver: (log: Log) => void;

  constructor(provider: SocketProvider, filter: LogFilter, deliver: (log: Log) => void) {
    super(provider, ["logs", filter]);
    this.#provider = provider;
    this.#deliver = deliver;
  }

  override _handleMessage(message: LogParams): void {
    // Logs a reorg removed are announced again with `removed: true`; they are not new.
    if (this.stopped || message.removed) return;
    this.#deliver(this.#provider._wrapLog(message, this.#provider._network));
  }
}

/**
 * Subscribes over a WebSocket (or IPC) connection. `provider.on(filter)` settles before the node has answered
 * `eth_subscribe`, so logs emitted right after it could be missed; here `ready` resolves only
 * once the node acknowledged the subscription.
 */
function subscribeLogs(
  provider: SocketProvider,
  filter: LogFilter,
  deliver: (log: Log) => void,
  options: WatchLogsOptions,
): Unwatch {
  const subscriber = new LogSubscriber(provider, filter, deliver);
  let subscriptionId: string | undefined;
  const unsubscribe = () => {
    if (subscriptionId !== undefined && !provider.destroyed) {
      provider.send("eth_unsubscribe", [subscriptionId]).catch(() => undefined);
    }
  };
  const ready = provider
    .send("eth_subscribe", ["logs", { address: filter.address, topics: filter.topics }])
    .then((id: string) => {
      subscriptionId = id;
      provider._register(id, subscriber);
      if (subscriber.stopped) unsubscribe();
    });
  // Whoever never awaits `ready` still hears of a failed subscription, through onError.
  ready.catch((error: unknown) => options.onError?.(error));
  const stop = () => {
    if (subscriber.stopped) return;
    subscriber.stopped = true;
    unsubscribe();
  };
  return Object.assign(stop, { ready });
}

function pollLogs(
  provider: Provider,
  filter: LogFilter,
  deliver: (log: Log) => void,
  options: WatchLogsOptions,
): Unwatch {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let nextBlock = options.fromBlock;
  const interval = options.pollingIntervalMs ?? 1_000;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const tick = async () => {
    try {
      const latest = await latestBlockNumber(provider, options);
      if (nextBlock === undefined) nextBlock = latest + 1;
      markReady();
      if (latest >= nextBlock) {
        const logs = await queryLogs(provider, filter, {
          fromBlock: nextBlock,
          toBlock: latest,
          chunkSize: options.chunkSize,
          maxRetries: options.maxRetries,
        });
        nextBlock = latest + 1;
        for (const log of logs) {
          if (stopped) return;
          deliver(log);
        }
      }
    } catch (error) {
      options.onError?.(error);
    } finally {
      if (!stopped) timer = setTimeout(() => void tick(), interval);
    }
  };
  void tick();
  const stop = () => {
    stopped = true;
    markReady();
    if (timer !== undefined) clearTimeout(timer);
  };
  return Object.assign(stop, { ready });
}
