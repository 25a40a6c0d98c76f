/**
 * Log queries that work on real RPC endpoints: the block range is split into chunks, rate-limit
 * errors are retried with backoff, and ranges an endpoint refuses as too large are halved.
 *
 * @module
 */
import type { Log, Provider } from "ethers";
import { RpcRequestError } from "./errors.js";

/** Progress of a chunked log scan, reported after each chunk. */
export interface LogScanProgress {
  fromBlock: number;
  toBlock: number;
  /** Last block scanned so far. */
  scannedTo: number;
  /** Logs found so far. */
  logs: number;
}

/** How a log scan runs. */
export interface LogQueryOptions {
  /** First block to scan (default: the client's deployment block, else 0). */
  fromBlock?: number;
  /** Last block to scan (default: the latest block). */
  toBlock?: number;
  /** Blocks per `eth_getLogs` request (default 10,000). */
  chunkSize?: number;
  /** Called after each chunk. */
  onProgress?: (progress: LogScanProgress) => void;
  /** Retries of a rate-limited request before giving up (default 5). */
  maxRetries?: number;
  /** First retry delay in milliseconds, doubled each retry (default 250). */
  retryDelayMs?: number;
}

/** A log filter: the registry's address and topic positions (null = any). */
export interface LogFilter {
  address: string;
  topics: (string | string[] | null)[];
}

export const DEFAULT_CHUNK_SIZE = 10_000;

/**
 * Fetches every log matching `filter` between two blocks, in order, chunk by chunk.
 *
 * @example
 * const logs = await queryLogs(provider, { address, topics: [topic, traceId] }, { fromBlock: 1_000_000, chunkSize: 2_000 });
 */
export async function queryLogs(
  provider: Provider,
  filter: LogFilter,
  options: LogQueryOptions = {},
): Promise<Log[]> {
  const fromBlock = options.fromBlock ?? 0;
  const toBlock = options.toBlock ?? (await latestBlockNumber(provider, options));
  const logs: Log[] = [];
  let chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  let start = fromBlock;
  while (start <= toBlock) {
    const end = Math.min(toBlock, start + chunkSize - 1);
    let chunk: Log[];
    try {
      chunk = await withRetries(
        () =>
          provider.getLogs({
            address: filter.address,
            topics: filter.topics,
            fromBlock: start,
            toBlock: end,
          }),
        options,
      );
    } catch (error) {
      // Endpoints that cap a response's size or range: halve the chunk and try again.
      if (isRangeTooLarge(error) && end > start) {
        chunkSize = Math.max(1, Math.floor((end - start + 1) / 2));
        continue;
      }
      throw error;
    }
    logs.push(...chunk);
    options.onProgress?.({ fromBlock, toBlock, scannedTo: end, logs: logs.length });
    start = end + 1;
  }
  return logs;
}

/**
 * The latest block number, fresh. ethers' `getBlockNumber()` may answer from a cache up to
 * 250 ms old, so a read right after a write could miss it; providers that speak JSON-RPC are
 * asked with `eth_blockNumber` directly (rate-limit errors retried).
 *
 * @example
 * const latest = await latestBlockNumber(provider);
 */
export async function latestBlockNumber(
  provider: Provider,
  options: Pick<LogQueryOptions, "maxRetries" | "retryDelayMs"> = {},
): Promise<number> {
  const rpc = provider as Provider & { send?: (method: string, params: unknown[]) => Promise<unknown> };
  if (typeof rpc.send !== "function") return withRetries(() => provider.getBlockNumber(), options);
  const send = rpc.send.bind(provider);
  return Number(await withRetries(() => send("eth_blockNumber", []), options));
}

/**
 * Runs an RPC request, retrying rate-limit errors with exponential backoff.
 *
 * @example
 * const block = await withRetries(() => provider.getBlockNumber(), { maxRetries: 3 });
 */
export async function withRetries<T>(
  request: () => Promise<T>,
  options: Pick<LogQueryOptions, "maxRetries" | "retryDelayMs"> = {},
): Promise<T> {
  const maxRetries = options.maxRetries ?? 5;
  let delay = options.retryDelayMs ?? 250;
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (!isRateLimited(error) || isRangeTooLarge(error)) throw error;
      if (attempt >= maxRetries) {
        throw new RpcRequestError(
          `the RPC endpoint is rate limiting requests (gave up after ${maxRetries} retries)`,
          {
            cause: error,
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
}

/** Text of an error and its nested causes, lower-cased, for matching provider messages. */
function errorText(error: unknown, depth = 0): string {
  if (depth > 5 || error === null || error === undefined) return "";
  if (typeof error !== "object") return String(error).toLowerCase();
  const record = error as Record<string, unknown>;
  const own = [record.message, record.shortMessage, record.code, record.status]
    .filter((part) => part !== undefined)
    .map(String)
    .join(" ");
  return `${own} ${errorText(record.error, depth + 1)} ${errorText(record.info, depth + 1)} ${errorText(record.cause, depth + 1)}`.toLowerCase();
}

/** Whether an RPC error means "slow down" (HTTP 429, -32005, provider wording). */
export function isRateLimited(error: unknown): boolean {
  const text = errorText(error);
  return /\b429\b|-32005|rate.?limit|too many requests|request limit|exceeded.*(rate|capacity|limit)/.test(
    text,
  );
}

/** Whether an RPC error means the block range or result set was too large. */
export function isRangeTooLarge(error: unknown): boolean {
  const text = errorText(error);
  return /block range|range too (large|wide)|more than \d+ (results|logs)|query returned more than|response size|too many (results|logs)|limit exceeded.*blocks/.test(
    text,
  );
}
