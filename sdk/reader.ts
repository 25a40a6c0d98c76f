/**
 * Read-only access to a registry, for integrators: traces and their verification, failures
 * and their history, ledgers, parameters, lists of failures, and watchers.
 *
 * @module
 */
import {
  AbiCoder,
  getAddress,
  keccak256,
  ParamType,
  toUtf8String,
  Utf8ErrorFuncs,
  type ContractRunner,
  type Log,
  type LogDescription,
  type Provider,
  type Result,
} from "ethers";
import type { ResponsibilityRegistry } from "../types/ethers-contracts/ResponsibilityRegistry.js";
import { ResponsibilityRegistry__factory } from "../types/ethers-contracts/factories/ResponsibilityRegistry__factory.js";
import { FAILURE_STATE_NAMES, InvalidInputError, NotFoundError, OnusError, toOnusError } from "./errors.js";
import {
  computeStepId,
  STEP_KIND_NAMES,
  stepBodyHash,
  ZERO_HASH,
  type Hex,
  type StepBody,
  type StepKindName,
} from "./hashing.js";
import { latestBlockNumber, queryLogs, withRetries, type LogFilter, type LogQueryOptions } from "./logs.js";
import {
  CREDIT_REASON_NAMES,
  OPEN_FAILURE_STATES,
  type FailureStateName,
  type FailureView,
  type FailureWithHistory,
  type LedgerView,
  type OperatorBondView,
  type RegistryConfig,
  type RegistryEvent,
  type RegistryParameters,
  type RegistryTotals,
  type Trace,
  type TraceStep,
  type TraceVerification,
} from "./types.js";
import { parseAddress, parseBytes32, parseId } from "./validation.js";
import { watchRegistryLogs, type Unwatch, type WatchOptions } from "./watch.js";

/** How to reach a registry. */
export interface OnusReaderConfig {
  /** The registry's address. */
  address: string;
  /** A Provider (read-only) or a Signer connected to one. */
  runner: ContractRunner;
  /** The block the registry was deployed in: log scans start there (default 0). */
  deploymentBlock?: number;
  /** Blocks per `eth_getLogs` request (default 10,000). */
  logChunkSize?: number;
  /** Retries of rate-limited RPC requests (default 5). */
  maxRetries?: number;
  /** How often watchers poll over HTTP, in milliseconds (default 1,000). */
  pollingIntervalMs?: number;
}

/** Filters for {@link OnusReader.listFailures}; all given filters must match. */
export interface ListFailuresParameters {
  /** The step's actor (the accused). */
  actor?: string;
  reporter?: string;
  accountable?: string;
  /** One state or several; `"open"` for every open state. */
  state?: FailureStateName | readonly FailureStateName[] | "open";
}

/** Options of a read that scans logs. */
export type ReadLogOptions = Pick<LogQueryOptions, "fromBlock" | "toBlock" | "onProgress" | "chunkSize">;

/**
 * Read-only client of a registry.
 *
 * @example
 * const reader = createOnusReader({ address, runner: new JsonRpcProvider(url), deploymentBlock: 5_123_456 });
 * const check = await reader.verifyTrace(traceId);
 */
export class OnusReader {
  /** The registry address, checksummed. */
  readonly address: string;
  /** The typechain contract the client wraps. */
  readonly contract: ResponsibilityRegistry;
  protected readonly config: Required<Omit<OnusReaderConfig, "runner" | "address">>;

  constructor(config: OnusReaderConfig) {
    this.address = parseAddress("address", config.address);
    this.contract = ResponsibilityRegistry__factory.connect(this.address, config.runner);
    this.config = {
      deploymentBlock: config.deploymentBlock ?? 0,
      logChunkSize: config.logChunkSize ?? 10_000,
      maxRetries: config.maxRetries ?? 5,
      pollingIntervalMs: config.pollingIntervalMs ?? 1_000,
    };
  }

  /** The provider behind the runner. */
  get provider(): Provider {
    const provider = this.contract.runner?.provider;
    if (!provider) throw new OnusError("the client's runner has no provider");
    return provider;
  }

  // ── Traces ─────────────────────────────────────────────────────────────────────────────────

  /**
   * A trace's steps, rebuilt from its `StepLogged` events, and the head stored on-chain, both
   * read at one block (the latest, or `options.toBlock`) so they always belong together.
   *
   * @example
   * const { steps, storedHead } = await reader.getTrace(traceId);
   */
  async getTrace(traceId: string, options: ReadLogOptions = {}): Promise<Trace> {
    const id = parseBytes32("traceId", traceId, { nonZero: true });
    const topic = this.contract.interface.getEvent("StepLogged").topicHash;
    // One snapshot: the logs up to a block and the head stored at that same block, so steps
    // appended meanwhile cannot make a sound trace look tampered.
    const toBlock =
      options.toBlock ??
      (await this.read("read the latest block", () => latestBlockNumber(this.provider, { maxRetries: 0 })));
    const [logs, storedHead] = await Promise.all([
      this.queryRegistryLogs([topic, id], { ...options, toBlock }),
      this.read("read the trace head", () => this.contract.traceHead(id, { blockTag: toBlock })),
    ]);
    const steps = logs.map((log, index): TraceStep => ({ index, ...this.decodeStep(log) }));
    return { traceId: id, storedHead: storedHead as Hex, steps };
  }

  /**
   * Recomputes a trace's chain from its events and compares it with the head stored on-chain.
   * Pass a trace id (fetched here) or a {@link Trace} you already hold.
   *
   * @example
   * const result = await reader.verifyTrace(traceId);
   * if (!result.valid) console.error(result.reason, result.firstBadStep);
   */
  async verifyTrace(trace: string | Trace, options: ReadLogOptions = {}): Promise<TraceVerification> {
    const resolved = typeof trace === "string" ? await this.getTrace(trace, options) : trace;
    return verifyTraceSteps(resolved);
  }

  /**
   * The head the registry stores for a trace (zero for an empty trace).
   *
   * @example
   * const head = await reader.getTraceHead(traceId);
   */
  async getTraceHead(traceId: string): Promise<Hex> {
    const id = parseBytes32("traceId", traceId, { nonZero: true });
    return (await this.read("read the trace head", () => this.contract.traceHead(id))) as Hex;
  }

  // ── Failures ───────────────────────────────────────────────────────────────────────────────

  /**
   * A failure's full state. Throws {@link NotFoundError} for an id that was never reported.
   *
   * @example
   * const failure = await reader.getFailure(3n);
   * console.log(failure.state, failure.accountable);
   */
  async getFailure(failureId: bigint | number): Promise<FailureView> {
    const id = parseId("failureId", failureId);
    const raw = await this.read("read the failure", () => this.contract.failure(id));
    const view = toFailureView(id, raw);
    if (view.state === "None") throw new NotFoundError(`failure ${id} does not exist`);
    return view;
  }

  /**
   * A failure's state and every registry event that touched it, in order.
   *
   * @example
   * const { state, history } = await reader.getFailureWithHistory(3n);
   */
  async getFailureWithHistory(
    failureId: bigint | number,
    options: ReadLogOptions = {},
  ): Promise<FailureWithHistory> {
    const failure = await this.getFailure(failureId);
    const idTopic = toTopic(failure.failureId);
    const iface = this.contract.interface;
    const first = (
      [
        "FailureReported",
        "ResponsibilityClaimed",
        "FallbackAssigned",
        "FailureContested",
        "RemedyProposed",
        "RemedyAccepted",
        "RemedyRejected",
        "ArbitrationRuled",
        "FailureClosed",
        "ShortfallCollected",
      ] as const
    ).map((name) => iface.getEvent(name).topicHash);
    const second = (["Credited", "BondRestored"] as const).map((name) => iface.getEvent(name).topicHash);
    const [own, related] = await Promise.all([
      this.queryRegistryLogs([first, idTopic], options),
      this.queryRegistryLogs([second, null, idTopic], options),
    ]);
    const history = [...own, ...related]
      .sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)
      .map((log) => this.decodeLog(log));
    return { ...failure, history };
  }

  /**
   * Failures matching every given filter, oldest first.
   *
   * @example
   * const mine = await reader.listFailures({ actor: myNode, state: "open" });
   */
  async listFailures(
    filters: ListFailuresParameters = {},
    options: ReadLogOptions = {},
  ): Promise<FailureView[]> {
    const actor = filters.actor === undefined ? undefined : parseAddress("actor", filters.actor);
    const reporter = filters.reporter === undefined ? undefined : parseAddress("reporter", filters.reporter);
    const accountable =
      filters.accountable === undefined ? undefined : parseAddress("accountable", filters.accountable);
    const states =
      filters.state === undefined
        ? undefined
        : filters.state === "open"
          ? OPEN_FAILURE_STATES
          : typeof filters.state === "string"
            ? [filters.state]
            : filters.state;

    let ids: bigint[];
    if (actor !== undefined) {
      // The actor is an indexed topic of FailureReported: one log filter finds its failures.
      const topic = this.contract.interface.getEvent("FailureReported").topicHash;
      const logs = await this.queryRegistryLogs([topic, null, null, toTopic(actor)], options);
      ids = logs.map((log) => BigInt(log.topics[1]));
    } else {
      const count = await this.read("read the failure count", () => this.contract.failureCount());
      ids = Array.from({ length: Number(count) }, (_, index) => BigInt(index + 1));
    }
    const failures = await mapWithConcurrency(ids, 8, async (id) =>
      toFailureView(id, await this.read("read a failure", () => this.contract.failure(id))),
    );
    return failures.filter(
      (failure) =>
        (reporter === undefined || failure.reporter === reporter) &&
        (accountable === undefined || failure.accountable === accountable) &&
        (states === undefined || states.includes(failure.state)),
    );
  }

  /**
   * How many failures were ever reported (the highest id).
   *
   * @example
   * const count = await reader.getFailureCount();
   */
  async getFailureCount(): Promise<bigint> {
    return this.read("read the failure count", () => this.contract.failureCount());
  }

  // ── Accounts ───────────────────────────────────────────────────────────────────────────────

  /**
   * An address's record: failure counts and amounts from the contract, steps logged counted
   * from events, its credit and its bond.
   *
   * @example
   * const ledger = await reader.getLedger(node);
   * console.log(ledger.stepsLogged, ledger.failuresDefaulted, ledger.amountSlashed);
   */
  async getLedger(account: string, options: ReadLogOptions = {}): Promise<LedgerView> {
    const address = parseAddress("account", account);
    const topic = this.contract.interface.getEvent("StepLogged").topicHash;
    const [ledger, credit, bond, stepLogs] = await Promise.all([
      this.read("read the ledger", () => this.contract.ledgerOf(address)),
      this.getCredit(address),
      this.getBond(address),
      this.queryRegistryLogs([topic, null, null, toTopic(address)], options),
    ]);
    return {
      account: address,
      stepsLogged: stepLogs.length,
      failuresAttributed: Number(ledger.failuresAttributed),
      failuresReported: Number(ledger.failuresReported),
      failuresClaimed: Number(ledger.failuresClaimed),
      failuresDefaulted: Number(ledger.failuresDefaulted),
      failuresContested: Number(ledger.failuresContested),
      failuresCompensated: Number(ledger.failuresCompensated),
      failuresRemedied: Number(ledger.failuresRemedied),
      failuresEnforced: Number(ledger.failuresEnforced),
      failuresRuledValid: Number(ledger.failuresRuledValid),
      failuresRuledInvalid: Number(ledger.failuresRuledInvalid),
      failuresDrawn: Number(ledger.failuresDrawn),
      amountPaid: ledger.amountPaid,
      amountSlashed: ledger.amountSlashed,
      amountReceived: ledger.amountReceived,
      unbackedShortfall: ledger.unbackedShortfall,
      reporterBondsForfeited: ledger.reporterBondsForfeited,
      credit,
      bond,
    };
  }

  /**
   * Credits an address can withdraw.
   *
   * @example
   * const owed = await reader.getCredit(beneficiary);
   */
  async getCredit(account: string): Promise<bigint> {
    const address = parseAddress("account", account);
    return this.read("read the credit", () => this.contract.creditOf(address));
  }

  /**
   * An operator's bond.
   *
   * @example
   * const { active, unbondableAt } = await reader.getBond(node);
   */
  async getBond(operator: string): Promise<OperatorBondView> {
    const address = parseAddress("operator", operator);
    const bond = await this.read("read the bond", () => this.contract.bondOf(address));
    return {
      amount: bond.amount,
      unbonding: bond.unbonding,
      unbondableAt: bond.unbondableAt,
      openFailures: Number(bond.openFailures),
      active: bond.amount > bond.unbonding ? bond.amount - bond.unbonding : 0n,
    };
  }

  /**
   * The nonce a signer must use in its next signed batch.
   *
   * @example
   * const nonce = await reader.getNonce(node);
   */
  async getNonce(signer: string): Promise<bigint> {
    const address = parseAddress("signer", signer);
    return this.read("read the nonce", () => this.contract.nonces(address));
  }

  // ── Registry ───────────────────────────────────────────────────────────────────────────────

  /**
   * The current parameters and configuration.
   *
   * @example
   * const { parameters, collateralToken, paused } = await reader.getConfig();
   */
  async getConfig(): Promise<RegistryConfig> {
    const [[parameters, version], minimum, paused, gated, token, owner, maxBatch] = await Promise.all([
      this.read("read the parameters", () => this.contract.parameters()),
      this.read("read the minimum bond", () => this.contract.minimumOperatorBond()),
      this.read("read the pause flag", () => this.contract.paused()),
      this.read("read the logging mode", () => this.contract.gatedLogging()),
      this.read("read the collateral", () => this.contract.collateralToken()),
      this.read("read the owner", () => this.contract.owner()),
      this.read("read the batch limit", () => this.contract.MAX_BATCH_SIZE()),
    ]);
    return {
      parameters: toParameters(parameters),
      parametersVersion: Number(version),
      minimumOperatorBond: minimum,
      paused,
      gatedLogging: gated,
      collateralToken: token,
      owner,
      maxBatchSize: Number(maxBatch),
    };
  }

  /**
   * The parameters of one version (failures keep the version they were reported under).
   *
   * @example
   * const { claimWindow } = await reader.getParametersAt(failure.parametersVersion);
   */
  async getParametersAt(version: number): Promise<RegistryParameters> {
    return toParameters(await this.read("read the parameters", () => this.contract.parametersAt(version)));
  }

  /**
   * What the contract owes, by kind.
   *
   * @example
   * const { bonded, credits } = await reader.getTotals();
   */
  async getTotals(): Promise<RegistryTotals> {
    const totals = await this.read("read the totals", () => this.contract.totals());
    return {
      bonded: totals.bonded,
      reporterBonds: totals.reporterBonds,
      staked: totals.staked,
      credits: totals.credits,
    };
  }

  // ── Watchers ───────────────────────────────────────────────────────────────────────────────

  /**
   * Calls `onStep` for every new step of a trace (or of an actor). Returns a function that stops
   * watching. Polls over HTTP; subscribes over WebSocket providers.
   *
   * @example
   * const stop = reader.watchSteps({ traceId, onStep: (step) => console.log(step.kind, step.actor) });
   * // later: stop();
   */
  watchSteps(
    parameters: {
      traceId?: string;
      actor?: string;
      onStep: (step: Omit<TraceStep, "index">) => void;
      onError?: (error: unknown) => void;
    } & WatchOptions,
  ): Unwatch {
    const traceId = parameters.traceId === undefined ? null : parseBytes32("traceId", parameters.traceId);
    const actor = parameters.actor === undefined ? null : toTopic(parseAddress("actor", parameters.actor));
    const topic = this.contract.interface.getEvent("StepLogged").topicHash;
    return this.watch([topic, traceId, null, actor], parameters, (log) =>
      parameters.onStep(this.decodeStep(log)),
    );
  }

  /**
   * Calls `onFailure` for every new failure reported against the given actors (all actors when
   * omitted). Returns a function that stops watching.
   *
   * @example
   * const stop = reader.watchFailures({ actors: [myNode], onFailure: (event) => console.log(event.args.failureId) });
   */
  watchFailures(
    parameters: {
      actors?: readonly string[];
      onFailure: (event: RegistryEvent) => void;
      onError?: (error: unknown) => void;
    } & WatchOptions,
  ): Unwatch {
    if (parameters.actors !== undefined && parameters.actors.length === 0) {
      // An empty OR-list in a log filter matches every actor: refuse it rather than watch all.
      throw new InvalidInputError("actors", [], "lists no address; omit it to watch every actor");
    }
    const actors =
      parameters.actors === undefined
        ? null
        : parameters.actors.map((actor, index) => toTopic(parseAddress(`actors[${index}]`, actor)));
    const topic = this.contract.interface.getEvent("FailureReported").topicHash;
    return this.watch([topic, null, null, actors], parameters, (log) =>
      parameters.onFailure(this.decodeLog(log)),
    );
  }

  /**
   * Calls `onEvent` for every new event of one failure (claims, contests, remedies, rulings,
   * closing). Returns a function that stops watching.
   *
   * @example
   * const stop = reader.watchFailure({ failureId: 3n, onEvent: (event) => console.log(event.name) });
   */
  watchFailure(
    parameters: {
      failureId: bigint | number;
      onEvent: (event: RegistryEvent) => void;
      onError?: (error: unknown) => void;
    } & WatchOptions,
  ): Unwatch {
    const id = parseId("failureId", parameters.failureId);
    return this.watch([null, toTopic(id)], parameters, (log) => {
      const event = this.decodeLog(log);
      // Topic 1 is the failure id only for failure events; skip others sharing the value.
      if (event.args.failureId === id) parameters.onEvent(event);
    });
  }

  // ── Helpers for subclasses ─────────────────────────────────────────────────────────────────

  /** Decodes a registry log into its event name and named arguments. */
  decodeLog(log: Log): RegistryEvent {
    const where = `log ${log.transactionHash}#${log.index}`;
    let parsed: LogDescription | null;
    let data: Result;
    try {
      parsed = this.contract.interface.parseLog({ topics: [...log.topics], data: log.data });
      if (parsed === null) throw new OnusError(`${where} is not a registry event`);
      // The contract takes any bytes as a `string` (a URI, say), and ethers refuses to decode
      // bytes that are not UTF-8. Decode the data with `bytes` in place of `string`, so such a
      // log stays readable and its exact bytes stay available for hashing.
      const types = parsed.fragment.inputs
        .filter((input) => !input.indexed)
        .map((input) => (input.type === "string" ? ParamType.from("bytes") : input));
      data = AbiCoder.defaultAbiCoder().decode(types, log.data);
    } catch (error) {
      if (error instanceof OnusError) throw error;
      throw new OnusError(`${where} could not be decoded as a registry event`, { cause: error });
    }
    const args: Record<string, unknown> = {};
    let dataIndex = 0;
    parsed.fragment.inputs.forEach((input, index) => {
      if (input.indexed) {
        args[input.name] = decodeEnum(parsed.name, input.name, parsed.args[index] as unknown);
        return;
      }
      const value: unknown = data[dataIndex++];
      if (input.type === "string") {
        args[input.name] = toUtf8String(value as string, Utf8ErrorFuncs.replace);
        args[`${input.name}Bytes`] = value;
      } else {
        args[input.name] = decodeEnum(parsed.name, input.name, value);
      }
    });
    return {
      name: parsed.name,
      args,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash as Hex,
      logIndex: log.index,
    };
  }

  /** Decodes a `StepLogged` log into a trace step (without its position in the trace). */
  protected decodeStep(log: Log): Omit<TraceStep, "index"> {
    const { args } = this.decodeLog(log);
    return {
      stepId: args.stepId as Hex,
      traceId: args.traceId as Hex,
      actor: args.actor as string,
      kind: args.kind as StepKindName,
      inputDigest: args.inputDigest as Hex,
      outputDigest: args.outputDigest as Hex,
      uri: args.uri as string,
      uriBytes: args.uriBytes as Hex,
      loggedAt: args.loggedAt as bigint,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash as Hex,
      logIndex: log.index,
    };
  }

  /** Runs a contract read, turning failures into {@link OnusError}s. */
  protected async read<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(call, { maxRetries: this.config.maxRetries });
    } catch (error) {
      throw toOnusError(error, this.contract.interface, action);
    }
  }

  /** Scans the registry's logs with the client's chunking and retries. */
  protected async queryRegistryLogs(
    topics: LogFilter["topics"],
    options: ReadLogOptions = {},
  ): Promise<Log[]> {
    try {
      return await queryLogs(
        this.provider,
        { address: this.address, topics },
        {
          fromBlock: options.fromBlock ?? this.config.deploymentBlock,
          toBlock: options.toBlock,
          chunkSize: options.chunkSize ?? this.config.logChunkSize,
          onProgress: options.onProgress,
          maxRetries: this.config.maxRetries,
        },
      );
    } catch (error) {
      throw toOnusError(error, this.contract.interface, "query the registry's logs");
    }
  }

  private watch(
    topics: LogFilter["topics"],
    options: WatchOptions & { onError?: (error: unknown) => void },
    onLog: (log: Log) => void,
  ): Unwatch {
    return watchRegistryLogs(this.provider, { address: this.address, topics }, onLog, {
      pollingIntervalMs: options.pollingIntervalMs ?? this.config.pollingIntervalMs,
      fromBlock: options.fromBlock,
      chunkSize: this.config.logChunkSize,
      maxRetries: this.config.maxRetries,
      onError: options.onError,
    });
  }
}

/**
 * Creates a read-only client for integrators.
 *
 * @example
 * const reader = createOnusReader({ address: registry, runner: new JsonRpcProvider("http://127.0.0.1:8545") });
 */
export function createOnusReader(config: OnusReaderConfig): OnusReader {
  return new OnusReader(config);
}

/**
 * Checks a trace's steps: every emitted step id must recompute from the step's fields and the
 * previous head, and the last must equal the stored head.
 *
 * @example
 * const result = verifyTraceSteps(trace);
 */
export function verifyTraceSteps(trace: Trace): TraceVerification {
  let head: Hex = ZERO_HASH;
  let firstBadStep: TraceVerification["firstBadStep"];
  for (const [index, step] of trace.steps.entries()) {
    let recomputed: Hex;
    try {
      recomputed = computeStepId(head, stepBodyHash(toStepBody(trace.traceId, step)));
    } catch {
      // Fields that cannot even be hashed (a kind that does not exist, an actor that is not an
      // address) match no step id.
      recomputed = ZERO_HASH;
    }
    if (
      firstBadStep === undefined &&
      (recomputed !== step.stepId.toLowerCase() || step.traceId !== trace.traceId || !uriMatchesBytes(step))
    ) {
      firstBadStep = { index, stepId: step.stepId, recomputedStepId: recomputed };
    }
    head = recomputed;
  }
  const storedHead = trace.storedHead.toLowerCase() as Hex;
  const base = { traceId: trace.traceId, stepCount: trace.steps.length, storedHead, computedHead: head };
  if (firstBadStep !== undefined) {
    return {
      ...base,
      valid: false,
      firstBadStep,
      reason: `step ${firstBadStep.index} does not match its id: its fields or the steps before it were altered`,
    };
  }
  if (head !== storedHead) {
    return {
      ...base,
      valid: false,
      reason:
        storedHead === ZERO_HASH
          ? "the registry has no steps for this trace"
          : "the steps do not fold to the stored head: steps are missing or were added",
    };
  }
  return { ...base, valid: true };
}

/**
 * What a trace step's body hash commits to, from the step as {@link OnusReader.getTrace} returns it.
 *
 * @example
 * const bodies = trace.steps.map((step) => toStepBody(trace.traceId, step));
 */
export function toStepBody(traceId: Hex, step: Omit<TraceStep, "index">): StepBody {
  return {
    traceId,
    kind: STEP_KIND_NAMES.indexOf(step.kind),
    actor: step.actor,
    inputDigest: step.inputDigest,
    outputDigest: step.outputDigest,
    uriHash: keccak256(step.uriBytes) as Hex,
    loggedAt: step.loggedAt,
  };
}

/** Whether a step's URI text is what its logged bytes read as (the bytes are what is hashed). */
function uriMatchesBytes(step: Omit<TraceStep, "index">): boolean {
  try {
    return toUtf8String(step.uriBytes, Utf8ErrorFuncs.replace) === step.uri;
  } catch {
    return false;
  }
}

/** Turns the contract's failure struct into a {@link FailureView}. */
export function toFailureView(
  failureId: bigint,
  raw: Awaited<ReturnType<ResponsibilityRegistry["failure"]>>,
): FailureView {
  const state = FAILURE_STATE_NAMES[Number(raw.state)] ?? "None";
  return {
    failureId,
    traceId: raw.traceId as Hex,
    stepId: raw.stepId as Hex,
    actor: raw.actor,
    state,
    open: OPEN_FAILURE_STATES.includes(state),
    collateralFromBond: raw.collateralFromBond,
    parametersVersion: Number(raw.parametersVersion),
    reportedAt: raw.reportedAt,
    reporter: raw.reporter,
    deadline: raw.deadline,
    beneficiary: raw.beneficiary,
    accountable: raw.accountable,
    compensation: raw.compensation,
    reporterBond: raw.reporterBond,
    collateral: raw.collateral,
    shortfall: raw.shortfall,
  };
}

function toParameters(raw: Awaited<ReturnType<ResponsibilityRegistry["parametersAt"]>>): RegistryParameters {
  return {
    reporterBond: raw.reporterBond,
    compensationCap: raw.compensationCap,
    reportWindow: raw.reportWindow,
    claimWindow: raw.claimWindow,
    resolutionWindow: raw.resolutionWindow,
    remedyWindow: raw.remedyWindow,
    arbitrationTimeout: raw.arbitrationTimeout,
    unbondingDelay: raw.unbondingDelay,
    treasuryShareBps: raw.treasuryShareBps,
    arbiter: raw.arbiter,
    treasury: raw.treasury,
  };
}

/** Event arguments that hold a registry enum, shown by name. */
function decodeEnum(eventName: string, argName: string, value: unknown): unknown {
  if (typeof value !== "bigint") return value;
  if (eventName === "StepLogged" && argName === "kind") return STEP_KIND_NAMES[Number(value)] ?? value;
  if (argName === "outcome") return FAILURE_STATE_NAMES[Number(value)] ?? value;
  if (argName === "reason" && eventName === "Credited") return CREDIT_REASON_NAMES[Number(value)] ?? value;
  if (argName === "ruling") return ["None", "Valid", "Invalid", "Refused"][Number(value)] ?? value;
  return value;
}

/** A value as a 32-byte log topic (addresses and ids are left-padded). */
export function toTopic(value: string | bigint): string {
  const hex = typeof value === "bigint" ? value.toString(16) : getAddress(value).slice(2).toLowerCase();
  return `0x${hex.padStart(64, "0")}`;
}

/** Maps with at most `limit` calls in flight (keeps RPC endpoints happy). */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}
