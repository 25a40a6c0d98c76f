/**
 * A step batcher for nodes that log many steps: it queues steps and logs them in batches.
 *
 * @module
 */
import { BatcherClosedError, InvalidInputError } from "./errors.js";
import type { Hex, StepInput } from "./hashing.js";
import type { LoggedStep, WriteResult } from "./types.js";
import { MAX_BATCH_SIZE, parseStep, type StepParameters } from "./validation.js";

/** How a {@link StepBatcher} groups steps. */
export interface StepBatcherOptions {
  /** Flush as soon as this many steps are queued (1..256, default 50). */
  maxSteps?: number;
  /** Flush this long after the first queued step at the latest (default 1,000 ms). */
  maxWaitMs?: number;
  /** Called after each flush with its outcome (for metrics and logs). */
  onFlush?: (outcome: { steps: number; transactionHash?: Hex; error?: unknown }) => void;
}

/** A step once its batch is mined. */
export interface BatchedStep extends LoggedStep {
  transactionHash: Hex;
  blockNumber: number;
}

interface QueuedStep {
  step: StepInput;
  resolve: (step: BatchedStep) => void;
  reject: (error: unknown) => void;
}

/** Sends one batch and returns the logged steps in order (the client's ordered `logSteps`). */
export type FlushBatch = (steps: StepInput[]) => Promise<WriteResult & { steps: LoggedStep[] }>;

/**
 * Queues steps and logs them with `logSteps`, flushing when `maxSteps` are queued or
 * `maxWaitMs` after the first queued step. Each `add` resolves with its step's id once its
 * batch is mined. Order is kept: batches are submitted in the order their steps were added.
 * A failed flush rejects the promise of every step in it, with the flush's error, and is never
 * retried, so nothing is sent twice and no step is silently lost. `close()` flushes what is
 * queued and waits for every batch in flight.
 *
 * Create one with `OnusClient.createStepBatcher`.
 *
 * @example
 * const batcher = onus.createStepBatcher({ maxSteps: 50, maxWaitMs: 250 });
 * const ids = await Promise.all(steps.map((step) => batcher.add(step)));
 * await batcher.close();
 */
export class StepBatcher {
  readonly #flushBatch: FlushBatch;
  readonly #maxSteps: number;
  readonly #maxWaitMs: number;
  readonly #onFlush: StepBatcherOptions["onFlush"];
  #queue: QueuedStep[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(flushBatch: FlushBatch, options: StepBatcherOptions = {}) {
    const maxSteps = options.maxSteps ?? 50;
    if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > MAX_BATCH_SIZE) {
      throw new InvalidInputError("maxSteps", maxSteps, `must be an integer from 1 to ${MAX_BATCH_SIZE}`);
    }
    const maxWaitMs = options.maxWaitMs ?? 1_000;
    if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) {
      throw new InvalidInputError("maxWaitMs", maxWaitMs, "must be a duration in milliseconds, 0 or more");
    }
    this.#flushBatch = flushBatch;
    this.#maxSteps = maxSteps;
    this.#maxWaitMs = maxWaitMs;
    this.#onFlush = options.onFlush;
  }

  /** Steps queued and not yet sent. */
  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Queues a step; resolves with its id once its batch is mined. A malformed step is rejected
   * at once and never queued.
   *
   * @example
   * const { stepId } = await batcher.add({ traceId, kind: "Compute", inputDigest, outputDigest });
   */
  add(parameters: StepParameters): Promise<BatchedStep> {
    if (this.#closed) return Promise.reject(new BatcherClosedError());
    let step: StepInput;
    try {
      step = parseStep("step", parameters);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<BatchedStep>((resolve, reject) => {
      this.#queue.push({ step, resolve, reject });
      if (this.#queue.length >= this.#maxSteps) this.flush();
      else this.#timer ??= setTimeout(() => this.flush(), this.#maxWaitMs);
    });
  }

  /**
   * Sends everything queued now (in batches of at most `maxSteps`), without waiting for mining.
   *
   * @example
   * batcher.flush();
   */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxSteps);
      const sending = this.#send(batch);
      this.#inFlight.add(sending);
      void sending.finally(() => this.#inFlight.delete(sending));
    }
  }

  /**
   * Flushes what is queued, waits for every batch in flight, and refuses new steps.
   *
   * @example
   * await batcher.close();
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.flush();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async #send(batch: QueuedStep[]): Promise<void> {
    let outcome: Parameters<NonNullable<StepBatcherOptions["onFlush"]>>[0];
    try {
      const result = await this.#flushBatch(batch.map((queued) => queued.step));
      batch.forEach((queued, index) =>
        queued.resolve({
          ...result.steps[index],
          transactionHash: result.transactionHash,
          blockNumber: result.blockNumber,
        }),
      );
      outcome = { steps: batch.length, transactionHash: result.transactionHash };
    } catch (error) {
      for (const queued of batch) queued.reject(error);
      outcome = { steps: batch.length, error };
    }
    // The callback is the caller's code: if it throws, the batch's outcome stays as it was and
    // nothing escapes as an unhandled rejection.
    try {
      this.#onFlush?.(outcome);
    } catch {
      // ignored on purpose (see above)
    }
  }
}
