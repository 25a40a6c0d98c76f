/**
 * The full client: every registry action for nodes, operators, reporters, arbiters and admins,
 * on top of the reads of {@link OnusReader}.
 *
 * @module
 */
import {
  Contract,
  isCallException,
  type Interface,
  ZeroAddress,
  type ContractTransactionResponse,
  type Signer,
  type TransactionReceipt,
} from "ethers";
import { StepBatcher, type StepBatcherOptions } from "./batcher.js";
import {
  ContractRevertError,
  InvalidInputError,
  OnusError,
  ReadOnlyClientError,
  toOnusError,
  TransactionFailedError,
} from "./errors.js";
import {
  buildStepProof,
  mutableTypes,
  registryDomain,
  ZERO_HASH,
  type Hex,
  type StepInput,
  type StepProof,
} from "./hashing.js";
import { OnusReader, toStepBody, type OnusReaderConfig, type ReadLogOptions } from "./reader.js";
import { NonceSerializedSender } from "./sender.js";
import {
  Ruling,
  type CreditEntry,
  type FailureClosing,
  type FailureStateName,
  type LoggedStep,
  type RegistryEvent,
  type RegistryParameters,
  type RulingName,
  type Trace,
  type WriteResult,
} from "./types.js";
import {
  MAX_BATCH_SIZE,
  parseAddress,
  parseAmount,
  parseBatchSize,
  parseBytes32,
  parseId,
  parseNonZeroAddress,
  parseOptionalString,
  parseStep,
  parseTimestamp,
  type StepParameters,
} from "./validation.js";

export type { StepParameters };

// ── Parameters and results ────────────────────────────────────────────────────────────────────

export type LogStepParameters = StepParameters;
export interface LogStepResult extends WriteResult, LoggedStep {}

export interface LogStepsParameters {
  /** 1..256 steps, to any traces, logged in order. */
  steps: readonly StepParameters[];
}
export interface LogStepsResult extends WriteResult {
  steps: LoggedStep[];
}

export interface SignStepsParameters {
  steps: readonly StepParameters[];
  /** Default: the signer's current nonce on-chain. */
  nonce?: bigint;
  /** Unix seconds; default: one hour after the latest block. */
  deadline?: bigint;
}
/** A signed group of steps, ready for any relayer's {@link OnusClient.logSignedSteps}. */
export interface SignedStepsInput {
  actor: string;
  steps: StepInput[];
  nonce: bigint;
  deadline: bigint;
  signature: string;
}

export interface LogSignedStepsResult extends LogStepsResult {
  /** Groups whose nonce was already used (logged by an earlier submission, or cancelled). */
  skipped: { actor: string; nonce: bigint }[];
}

export interface LogSignedStepsParameters {
  /** Signed groups (from {@link OnusClient.signSteps}), 256 steps at most in all. */
  batches: readonly SignedStepsInput[];
}

export interface IncreaseNonceParameters {
  newNonce: bigint;
}
export interface PinTraceHeadParameters {
  traceId: string;
}
export interface PinTraceHeadResult extends WriteResult {
  head: Hex;
}

export interface AmountParameters {
  /** In the collateral's smallest unit. */
  amount: bigint;
}
export interface BondResult extends WriteResult {
  amount: bigint;
  newBond: bigint;
}
export interface StartUnbondingResult extends WriteResult {
  amount: bigint;
  unbonding: bigint;
  unbondableAt: bigint;
}
export interface WithdrawBondResult extends WriteResult {
  amount: bigint;
}

export interface ReportFailureParameters {
  traceId: string;
  /** The failed step's id; or give `stepIndex`. */
  stepId?: string;
  /** The failed step's position in the trace, from 0; or give `stepId`. */
  stepIndex?: number;
  /** The affected party, who receives the compensation. */
  beneficiary: string;
  /** Compensation asked, in the collateral's smallest unit (1 ..= cap). */
  compensation: bigint;
  /** 32-byte digest of the evidence. */
  evidenceDigest: string;
  evidenceUri?: string;
  /** How to scan the trace's logs. */
  logOptions?: ReadLogOptions;
}
export interface ReportFailureResult extends WriteResult {
  failureId: bigint;
  stepId: Hex;
  actor: string;
  reporterBond: bigint;
  claimDeadline: bigint;
  /** How many proofs were tried (1, or 2 if the head moved, or 3 with a pinned head). */
  attempts: number;
}

export interface FailureIdParameters {
  failureId: bigint | number;
}
export interface ClaimResult extends WriteResult {
  failureId: bigint;
  stake: bigint;
  resolutionDeadline: bigint;
}
export interface ContestParameters extends FailureIdParameters {
  reasonDigest?: string;
  reasonUri?: string;
}
export interface ContestResult extends WriteResult {
  failureId: bigint;
  locked: bigint;
  shortfall: bigint;
  arbitrationDeadline: bigint;
}
export interface AssignFallbackResult extends WriteResult {
  failureId: bigint;
  actor: string;
  locked: bigint;
  shortfall: bigint;
  resolutionDeadline: bigint;
}
export interface CollectShortfallResult extends WriteResult {
  failureId: bigint;
  actor: string;
  /** Bond moved into the failure's collateral. */
  collected: bigint;
  remainingShortfall: bigint;
}
export interface ProposeRemedyParameters extends FailureIdParameters {
  remedyDigest: string;
  remedyUri?: string;
}
export interface ProposeRemedyResult extends WriteResult {
  failureId: bigint;
  remedyDeadline: bigint;
}
export interface RejectRemedyResult extends WriteResult {
  failureId: bigint;
  arbitrationDeadline: bigint;
}
export interface RuleParameters extends FailureIdParameters {
  ruling: RulingName;
}
/** A write that closed a failure. */
export interface CloseResult extends WriteResult, FailureClosing {}

export interface WithdrawParameters {
  /** Recipient; default the signer. */
  to?: string;
}
export interface WithdrawResult extends WriteResult {
  amount: bigint;
  to: string;
}

export type SetParametersParameters = Partial<RegistryParameters>;
export interface SetParametersResult extends WriteResult {
  version: number;
}

/** Options of the full client. */
export interface OnusClientConfig extends OnusReaderConfig {
  /** Confirmations to wait for (default 1). */
  confirmations?: number;
  /** Approve ERC-20 collateral automatically when an action needs it (default true). */
  autoApprove?: boolean;
}

/** Largest value each numeric parameter's field holds (the contract checks tighter bounds). */
const PARAMETER_FIELD_MAXIMA: Record<Exclude<keyof RegistryParameters, "arbiter" | "treasury">, bigint> = {
  reporterBond: 2n ** 128n - 1n,
  compensationCap: 2n ** 128n - 1n,
  reportWindow: 2n ** 32n - 1n,
  claimWindow: 2n ** 32n - 1n,
  resolutionWindow: 2n ** 32n - 1n,
  remedyWindow: 2n ** 32n - 1n,
  arbitrationTimeout: 2n ** 32n - 1n,
  unbondingDelay: 2n ** 32n - 1n,
  treasuryShareBps: 10_000n,
};

const ERC20_ABI = [
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function balanceOf(address account) view returns (uint256)",
];

/**
 * Client for every registry action. Create it with a Signer (Wallet, JsonRpcSigner, Hardhat
 * signer); with a Provider only reads work (see {@link OnusReader}).
 *
 * @example
 * const onus = createOnusClient({ address: registry, runner: wallet });
 * const { stepId } = await onus.logStep({ traceId, kind: "Compute", inputDigest, outputDigest });
 */
export class OnusClient extends OnusReader {
  readonly #confirmations: number;
  readonly #autoApprove: boolean;
  #sender: NonceSerializedSender | undefined;
  #collateral: Promise<string> | undefined;
  /** Tail of this client's ERC-20 collateral actions, which run one at a time. */
  #collateralTail: Promise<void> = Promise.resolve();

  constructor(config: OnusClientConfig) {
    super(config);
    this.#confirmations = config.confirmations ?? 1;
    if (!Number.isInteger(this.#confirmations) || this.#confirmations < 1) {
      throw new InvalidInputError(
        "confirmations",
        config.confirmations,
        "must be a whole number of blocks, 1 or more",
      );
    }
    this.#autoApprove = config.autoApprove ?? true;
  }

  /** The signer, or a {@link ReadOnlyClientError}. */
  get signer(): Signer {
    const runner = this.contract.runner;
    if (runner === null || typeof (runner as Partial<Signer>).signTypedData !== "function") {
      throw new ReadOnlyClientError("this action");
    }
    return runner as Signer;
  }

  /**
   * The signer's address.
   *
   * @example
   * const me = await onus.getSignerAddress();
   */
  async getSignerAddress(): Promise<string> {
    return this.requireSigner("getSignerAddress").getAddress();
  }

  // ── Trace ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Logs one step, attributed to the signer.
   *
   * @example
   * const { stepId } = await onus.logStep({ traceId, kind: "Compute", inputDigest, outputDigest, uri });
   */
  async logStep(parameters: LogStepParameters): Promise<LogStepResult> {
    const step = parseStep("step", parameters);
    const result = await this.send("logStep", [step]);
    const [logged] = loggedSteps(result.events);
    return { ...result, ...logged };
  }

  /**
   * Logs a batch of steps (up to 256, across traces) in one transaction, in order.
   *
   * @example
   * const { steps } = await onus.logSteps({ steps: [modelStep, computeStep] });
   */
  async logSteps(parameters: LogStepsParameters): Promise<LogStepsResult> {
    parseBatchSize("steps", parameters.steps.length);
    const steps = parameters.steps.map((step, index) => parseStep(`steps[${index}]`, step));
    const result = await this.send("logSteps", [steps]);
    return { ...result, steps: loggedSteps(result.events) };
  }

  /**
   * Signs steps (EIP-712) so a relayer can log them, attributed to this signer.
   *
   * @example
   * const signed = await nodeClient.signSteps({ steps: [computeStep] });
   * await relayerClient.logSignedSteps({ batches: [signed] });
   */
  async signSteps(parameters: SignStepsParameters): Promise<SignedStepsInput> {
    const signer = this.requireSigner("signSteps");
    parseBatchSize("steps", parameters.steps.length);
    const steps = parameters.steps.map((step, index) => parseStep(`steps[${index}]`, step));
    const actor = await this.read("read the signer's address", () => signer.getAddress());
    const nonce =
      parameters.nonce === undefined
        ? await this.getNonce(actor)
        : parseTimestampLike("nonce", parameters.nonce);
    const deadline =
      parameters.deadline === undefined
        ? BigInt((await this.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000)) + 3600n
        : parseTimestamp("deadline", parameters.deadline);
    const message = { actor, steps, nonce, deadline };
    try {
      const { chainId } = await this.provider.getNetwork();
      const signature = await signer.signTypedData(
        registryDomain(chainId, this.address),
        mutableTypes(),
        message,
      );
      return { ...message, signature };
    } catch (error) {
      throw toOnusError(error, this.contract.interface, "signSteps");
    }
  }

  /**
   * Logs signed groups of steps as a relayer: each group is attributed to its signer.
   *
   * @example
   * await relayer.logSignedSteps({ batches: [signedByModelPublisher, signedByComputeNode] });
   */
  async logSignedSteps(parameters: LogSignedStepsParameters): Promise<LogSignedStepsResult> {
    if (parameters.batches.length === 0)
      throw new InvalidInputError("batches", [], "needs at least one signed group");
    let total = 0;
    const batches = parameters.batches.map((batch, index) => {
      const field = `batches[${index}]`;
      if (batch.steps.length === 0)
        throw new InvalidInputError(`${field}.steps`, [], "needs at least one step");
      total += batch.steps.length;
      if (typeof batch.signature !== "string" || !/^0x([0-9a-fA-F]{2})+$/.test(batch.signature)) {
        throw new InvalidInputError(`${field}.signature`, batch.signature, "is not a hex signature");
      }
      return {
        actor: parseAddress(`${field}.actor`, batch.actor),
        steps: batch.steps.map((step, stepIndex) => parseStep(`${field}.steps[${stepIndex}]`, step)),
        nonce: parseTimestampLike(`${field}.nonce`, batch.nonce),
        deadline: parseTimestamp(`${field}.deadline`, batch.deadline),
        signature: batch.signature,
      };
    });
    if (total > MAX_BATCH_SIZE) {
      throw new InvalidInputError("batches", total, `steps in all: a batch holds at most ${MAX_BATCH_SIZE}`);
    }
    const result = await this.send("logSignedSteps", [batches]);
    const skipped = result.events
      .filter((event) => event.name === "SignedStepsSkipped")
      .map((event) => ({ actor: event.args.actor as string, nonce: event.args.nonce as bigint }));
    return { ...result, steps: loggedSteps(result.events), skipped };
  }

  /**
   * Cancels every outstanding signature of this signer with a nonce below `newNonce`.
   *
   * @example
   * await onus.increaseNonce({ newNonce: (await onus.getNonce(me)) + 1n });
   */
  async increaseNonce(parameters: IncreaseNonceParameters): Promise<WriteResult> {
    const newNonce = parseAmount("newNonce", parameters.newNonce, { max: 2n ** 256n - 1n });
    return this.send("increaseNonce", [newNonce]);
  }

  /**
   * Pins a trace's current head so a report can be proven against it while the trace grows.
   *
   * @example
   * const { head } = await onus.pinTraceHead({ traceId });
   */
  async pinTraceHead(parameters: PinTraceHeadParameters): Promise<PinTraceHeadResult> {
    const traceId = parseBytes32("traceId", parameters.traceId, { nonZero: true });
    const result = await this.send("pinTraceHead", [traceId]);
    return { ...result, head: eventArg<Hex>(result.events, "TraceHeadPinned", "head") };
  }

  /**
   * Creates a {@link StepBatcher} that queues steps and logs them in batches.
   *
   * @example
   * const batcher = onus.createStepBatcher({ maxSteps: 50, maxWaitMs: 500 });
   * const { stepId } = await batcher.add({ traceId, kind: "Compute", inputDigest, outputDigest });
   * await batcher.close();
   */
  createStepBatcher(options: StepBatcherOptions = {}): StepBatcher {
    this.requireSigner("createStepBatcher");
    return new StepBatcher(async (steps) => {
      const result = await this.send("logSteps", [steps], 0n, { ordered: true });
      return { ...result, steps: loggedSteps(result.events) };
    }, options);
  }

  // ── Operator bonds ─────────────────────────────────────────────────────────────────────────

  /**
   * Posts or tops up the signer's operator bond (approving ERC-20 collateral if needed).
   *
   * @example
   * await onus.bond({ amount: parseEther("1") });
   */
  async bond(parameters: AmountParameters): Promise<BondResult> {
    const amount = parseAmount("amount", parameters.amount);
    const result = await this.withCollateral("bond", async (prepare) =>
      this.send("bond", [amount], await prepare(amount, () => this.simulate("bond", [amount]))),
    );
    return { ...result, amount, newBond: eventArg<bigint>(result.events, "Bonded", "newBond") };
  }

  /**
   * Starts unbonding part of the signer's bond; withdraw it after the unbonding delay.
   *
   * @example
   * const { unbondableAt } = await onus.startUnbonding({ amount: parseEther("0.5") });
   */
  async startUnbonding(parameters: AmountParameters): Promise<StartUnbondingResult> {
    const amount = parseAmount("amount", parameters.amount);
    const result = await this.send("startUnbonding", [amount]);
    return {
      ...result,
      amount,
      unbonding: eventArg<bigint>(result.events, "UnbondingStarted", "unbonding"),
      unbondableAt: eventArg<bigint>(result.events, "UnbondingStarted", "unbondableAt"),
    };
  }

  /**
   * Moves the signer's unbonded collateral to its credits (then {@link withdraw} it).
   *
   * @example
   * await onus.withdrawBond();
   * await onus.withdraw();
   */
  async withdrawBond(): Promise<WithdrawBondResult> {
    const result = await this.send("withdrawBond", []);
    return { ...result, amount: eventArg<bigint>(result.events, "BondWithdrawn", "amount") };
  }

  // ── Failures ───────────────────────────────────────────────────────────────────────────────

  /**
   * Reports a failed step, posting the reporter bond. Fetches the trace, builds the step proof
   * and, if the head moves before the report lands, retries once with a fresh proof; if it
   * moves again, pins the head and proves against the pin, so appending cannot block a report.
   *
   * @example
   * const { failureId } = await onus.reportFailure({
   *   traceId, stepIndex: 1, beneficiary: user, compensation: parseEther("0.5"), evidenceDigest,
   * });
   */
  async reportFailure(parameters: ReportFailureParameters): Promise<ReportFailureResult> {
    const traceId = parseBytes32("traceId", parameters.traceId, { nonZero: true });
    if ((parameters.stepId === undefined) === (parameters.stepIndex === undefined)) {
      throw new InvalidInputError("stepId", parameters.stepId, "give exactly one of stepId and stepIndex");
    }
    const stepId = parameters.stepId === undefined ? undefined : parseBytes32("stepId", parameters.stepId);
    if (
      parameters.stepIndex !== undefined &&
      (!Number.isInteger(parameters.stepIndex) || parameters.stepIndex < 0)
    ) {
      throw new InvalidInputError("stepIndex", parameters.stepIndex, "must be a step position from 0");
    }
    const report = {
      traceId,
      beneficiary: parseNonZeroAddress("beneficiary", parameters.beneficiary),
      compensation: parseAmount("compensation", parameters.compensation),
      evidenceDigest: parseBytes32("evidenceDigest", parameters.evidenceDigest),
      evidenceUri: parseOptionalString("evidenceUri", parameters.evidenceUri),
    };
    this.requireSigner("reportFailure");
    const { parameters: current } = await this.getConfig();
    if (report.compensation > current.compensationCap) {
      throw new InvalidInputError(
        "compensation",
        report.compensation,
        `exceeds the cap of ${current.compensationCap}`,
      );
    }
    return this.withCollateral("reportFailure", async (prepare) => {
      let lastError: unknown;
      for (let attempt = 1; attempt <= 3; attempt++) {
        // Third attempt: pin the head first, so steps appended meanwhile cannot move it again,
        // and read the trace up to the pin's block at least.
        const pin = attempt === 3 ? await this.pinTraceHead({ traceId }) : undefined;
        const trace = await this.getTrace(
          traceId,
          pin === undefined ? parameters.logOptions : { ...parameters.logOptions, toBlock: pin.blockNumber },
        );
        const proof = buildProof(trace, { stepId, stepIndex: parameters.stepIndex }, pin?.head);
        // A stale proof is retried below; any other revert the simulation finds is final.
        const value = await prepare(current.reporterBond, () =>
          this.simulate("reportFailure", [report, proof], ["StepProofMismatch"]),
        );
        try {
          const result = await this.send("reportFailure", [report, proof], value);
          const reported = eventArgs(result.events, "FailureReported");
          return {
            ...result,
            failureId: reported.failureId as bigint,
            stepId: reported.stepId as Hex,
            actor: reported.actor as string,
            reporterBond: reported.reporterBond as bigint,
            claimDeadline: reported.claimDeadline as bigint,
            attempts: attempt,
          };
        } catch (error) {
          if (!(error instanceof ContractRevertError && error.errorName === "StepProofMismatch")) throw error;
          lastError = error;
        }
      }
      throw lastError;
    });
  }

  /**
   * Stakes a failure's compensation to become its accountable party (approving ERC-20
   * collateral if needed).
   *
   * @example
   * const { resolutionDeadline } = await operator.claimResponsibility({ failureId });
   */
  async claimResponsibility(parameters: FailureIdParameters): Promise<ClaimResult> {
    const failureId = parseId("failureId", parameters.failureId);
    this.requireSigner("claimResponsibility");
    const result = await this.withCollateral("claimResponsibility", async (prepare) => {
      const failure = await this.getFailure(failureId);
      const value = await prepare(failure.compensation, () =>
        this.simulate("claimResponsibility", [failureId]),
      );
      return this.send("claimResponsibility", [failureId], value);
    });
    const claimed = eventArgs(result.events, "ResponsibilityClaimed");
    return {
      ...result,
      failureId,
      stake: claimed.stake as bigint,
      resolutionDeadline: claimed.resolutionDeadline as bigint,
    };
  }

  /**
   * Contests a failure (as the step's actor during the claim window, or as the accountable
   * party during the resolution window); the arbiter then rules.
   *
   * @example
   * await node.contest({ failureId, reasonDigest: id("the output was correct"), reasonUri });
   */
  async contest(parameters: ContestParameters): Promise<ContestResult> {
    const failureId = parseId("failureId", parameters.failureId);
    const reasonDigest = parseBytes32("reasonDigest", parameters.reasonDigest ?? ZERO_HASH);
    const reasonUri = parseOptionalString("reasonUri", parameters.reasonUri);
    const result = await this.send("contest", [failureId, reasonDigest, reasonUri]);
    const contested = eventArgs(result.events, "FailureContested");
    return {
      ...result,
      failureId,
      locked: contested.locked as bigint,
      shortfall: contested.shortfall as bigint,
      arbitrationDeadline: contested.arbitrationDeadline as bigint,
    };
  }

  /**
   * After an unclaimed failure's claim window, makes the step's actor accountable and locks its
   * bond (a short bond is recorded as a shortfall). Anyone may call.
   *
   * @example
   * const { shortfall } = await onus.assignFallback({ failureId });
   */
  async assignFallback(parameters: FailureIdParameters): Promise<AssignFallbackResult> {
    const failureId = parseId("failureId", parameters.failureId);
    const result = await this.send("assignFallback", [failureId]);
    const assigned = eventArgs(result.events, "FallbackAssigned");
    return {
      ...result,
      failureId,
      actor: assigned.actor as string,
      locked: assigned.locked as bigint,
      shortfall: assigned.shortfall as bigint,
      resolutionDeadline: assigned.resolutionDeadline as bigint,
    };
  }

  /**
   * Locks more of the actor's bond behind an open failure it backs that has a shortfall (after
   * the actor topped up its bond, or collateral came back from another failure). Anyone may call.
   *
   * @example
   * const { collected, remainingShortfall } = await beneficiary.collectShortfall({ failureId });
   */
  async collectShortfall(parameters: FailureIdParameters): Promise<CollectShortfallResult> {
    const failureId = parseId("failureId", parameters.failureId);
    const result = await this.send("collectShortfall", [failureId]);
    const collected = eventArgs(result.events, "ShortfallCollected");
    return {
      ...result,
      failureId,
      actor: collected.actor as string,
      collected: collected.amount as bigint,
      remainingShortfall: collected.remainingShortfall as bigint,
    };
  }

  /**
   * As the accountable party, pays the beneficiary from the locked collateral.
   *
   * @example
   * const { paidToBeneficiary } = await operator.compensate({ failureId });
   */
  async compensate(parameters: FailureIdParameters): Promise<CloseResult> {
    return this.close("compensate", parameters);
  }

  /**
   * As the accountable party, proposes a remedy instead of paying.
   *
   * @example
   * const { remedyDeadline } = await operator.proposeRemedy({ failureId, remedyDigest: id("re-ran on a verified node") });
   */
  async proposeRemedy(parameters: ProposeRemedyParameters): Promise<ProposeRemedyResult> {
    const failureId = parseId("failureId", parameters.failureId);
    const remedyDigest = parseBytes32("remedyDigest", parameters.remedyDigest);
    const remedyUri = parseOptionalString("remedyUri", parameters.remedyUri);
    const result = await this.send("proposeRemedy", [failureId, remedyDigest, remedyUri]);
    return {
      ...result,
      failureId,
      remedyDeadline: eventArg<bigint>(result.events, "RemedyProposed", "remedyDeadline"),
    };
  }

  /**
   * As the beneficiary, accepts the proposed remedy (collateral returns to the accountable party).
   *
   * @example
   * await beneficiary.acceptRemedy({ failureId });
   */
  async acceptRemedy(parameters: FailureIdParameters): Promise<CloseResult> {
    return this.close("acceptRemedy", parameters);
  }

  /**
   * As the beneficiary, rejects the proposed remedy; the arbiter decides.
   *
   * @example
   * const { arbitrationDeadline } = await beneficiary.rejectRemedy({ failureId });
   */
  async rejectRemedy(parameters: FailureIdParameters): Promise<RejectRemedyResult> {
    const failureId = parseId("failureId", parameters.failureId);
    const result = await this.send("rejectRemedy", [failureId]);
    return {
      ...result,
      failureId,
      arbitrationDeadline: eventArg<bigint>(result.events, "RemedyRejected", "arbitrationDeadline"),
    };
  }

  /**
   * After a remedy window passes in silence, closes the failure as Remedied. Anyone may call.
   *
   * @example
   * await onus.finalizeRemedy({ failureId });
   */
  async finalizeRemedy(parameters: FailureIdParameters): Promise<CloseResult> {
    return this.close("finalizeRemedy", parameters);
  }

  /**
   * After a resolution window passes with nothing done, pays the beneficiary. Anyone may call.
   *
   * @example
   * await onus.enforce({ failureId });
   */
  async enforce(parameters: FailureIdParameters): Promise<CloseResult> {
    return this.close("enforce", parameters);
  }

  /**
   * As the failure's arbiter, rules on a contested failure.
   *
   * @example
   * await arbiter.rule({ failureId, ruling: "Invalid" });
   */
  async rule(parameters: RuleParameters): Promise<CloseResult> {
    const failureId = parseId("failureId", parameters.failureId);
    if (!["Valid", "Invalid", "Refused"].includes(parameters.ruling)) {
      throw new InvalidInputError("ruling", parameters.ruling, "must be Valid, Invalid or Refused");
    }
    const result = await this.send("rule", [failureId, Ruling[parameters.ruling]]);
    return { ...result, ...closingFrom(failureId, result.events) };
  }

  /**
   * After the arbitration timeout passes without a ruling, closes the failure as Drawn. Anyone.
   *
   * @example
   * await onus.expireArbitration({ failureId });
   */
  async expireArbitration(parameters: FailureIdParameters): Promise<CloseResult> {
    return this.close("expireArbitration", parameters);
  }

  /**
   * Withdraws all of the signer's credits (to itself, or to `to`).
   *
   * @example
   * const { amount } = await onus.withdraw();
   */
  async withdraw(parameters: WithdrawParameters = {}): Promise<WithdrawResult> {
    const signer = this.requireSigner("withdraw");
    const to =
      parameters.to === undefined ? await signer.getAddress() : parseNonZeroAddress("to", parameters.to);
    const result = await this.send("withdraw", [to]);
    return { ...result, to, amount: eventArg<bigint>(result.events, "Withdrawn", "amount") };
  }

  // ── Admin ──────────────────────────────────────────────────────────────────────────────────

  /**
   * As the owner, sets new parameters (unspecified fields keep their current value). Failures
   * already reported keep theirs.
   *
   * @example
   * const { version } = await admin.setParameters({ claimWindow: 2n * 86_400n });
   */
  async setParameters(parameters: SetParametersParameters): Promise<SetParametersResult> {
    const { parameters: current } = await this.getConfig();
    const next: RegistryParameters = { ...current };
    for (const key of Object.keys(parameters) as (keyof RegistryParameters)[]) {
      const value = parameters[key];
      if (value === undefined) continue;
      if (!(key in PARAMETER_FIELD_MAXIMA) && key !== "arbiter" && key !== "treasury") {
        throw new InvalidInputError(key, value, "is not a registry parameter");
      }
      if (key === "arbiter" || key === "treasury") next[key] = parseNonZeroAddress(key, value);
      else {
        next[key] = parseAmount(key, value, {
          allowZero: key === "treasuryShareBps",
          max: PARAMETER_FIELD_MAXIMA[key],
        });
      }
    }
    const result = await this.send("setParameters", [next]);
    return { ...result, version: Number(eventArg<bigint>(result.events, "ParametersUpdated", "version")) };
  }

  /**
   * As the owner, sets the minimum operator bond.
   *
   * @example
   * await admin.setMinimumOperatorBond({ minimum: parseEther("1") });
   */
  async setMinimumOperatorBond(parameters: { minimum: bigint }): Promise<WriteResult> {
    return this.send("setMinimumOperatorBond", [
      parseAmount("minimum", parameters.minimum, { allowZero: true }),
    ]);
  }

  /**
   * As the owner, pauses or resumes new reports and claims (and logs, if gated).
   *
   * @example
   * await admin.setPaused({ paused: true });
   */
  async setPaused(parameters: { paused: boolean }): Promise<WriteResult> {
    if (typeof parameters.paused !== "boolean") {
      throw new InvalidInputError("paused", parameters.paused, "must be true or false");
    }
    return this.send("setPaused", [parameters.paused]);
  }

  /**
   * As the owner, starts a two-step ownership transfer; the new owner calls {@link acceptOwnership}.
   *
   * @example
   * await admin.transferOwnership({ newOwner: multisig });
   */
  async transferOwnership(parameters: { newOwner: string }): Promise<WriteResult> {
    return this.send("transferOwnership", [parseNonZeroAddress("newOwner", parameters.newOwner)]);
  }

  /**
   * Completes a two-step ownership transfer.
   *
   * @example
   * await multisigClient.acceptOwnership();
   */
  async acceptOwnership(): Promise<WriteResult> {
    return this.send("acceptOwnership", []);
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────────

  private requireSigner(action: string): Signer {
    try {
      return this.signer;
    } catch {
      throw new ReadOnlyClientError(action);
    }
  }

  private async close(
    method: "compensate" | "acceptRemedy" | "finalizeRemedy" | "enforce" | "expireArbitration",
    parameters: FailureIdParameters,
  ): Promise<CloseResult> {
    const failureId = parseId("failureId", parameters.failureId);
    const result = await this.send(method, [failureId]);
    return { ...result, ...closingFrom(failureId, result.events) };
  }

  /**
   * Runs an action that brings collateral. `run` gets `prepare(amount, preflight)`, which returns
   * the value to send: native → `amount`; ERC-20 → 0, after approving the registry if its
   * allowance is short. Before approving, `preflight` simulates the action, so a call the
   * registry refuses anyway fails with its decoded error and no approve transaction. ERC-20
   * actions of one client run one at a time, so concurrent actions never overwrite each other's
   * allowance.
   */
  private async withCollateral<T>(
    action: string,
    run: (prepare: (amount: bigint, preflight: () => Promise<void>) => Promise<bigint>) => Promise<T>,
  ): Promise<T> {
    const signer = this.requireSigner(action);
    // Cache the collateral address, but not a failed read of it: the next action asks again.
    this.#collateral ??= this.read("read the collateral", () => this.contract.collateralToken()).catch(
      (error: unknown) => {
        this.#collateral = undefined;
        throw error;
      },
    );
    const token = await this.#collateral;
    if (token === ZeroAddress) return run(async (amount) => amount);

    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const previous = this.#collateralTail;
    this.#collateralTail = previous.then(() => mine);
    await previous;
    try {
      const owner = await this.read("read the signer's address", () => signer.getAddress());
      const erc20 = new Contract(token, ERC20_ABI, signer);
      return await run(async (amount, preflight) => {
        const allowance = await this.read(
          "read the collateral allowance",
          () => erc20.getFunction("allowance")(owner, this.address) as Promise<bigint>,
        );
        if (allowance >= amount) return 0n;
        await preflight();
        if (!this.#autoApprove) {
          throw new InvalidInputError(
            "allowance",
            allowance,
            `is below the ${amount} ${action} needs; approve the registry or enable autoApprove`,
          );
        }
        await this.sendRaw(
          `approve collateral for ${action}`,
          erc20.interface,
          (overrides) =>
            erc20.getFunction("approve")(
              this.address,
              amount,
              overrides,
            ) as Promise<ContractTransactionResponse>,
        );
        return 0n;
      });
    } finally {
      release();
    }
  }

  /**
   * Simulates a call without its collateral: throws the registry's own revert (except those in
   * `tolerated`), and ignores the token's (the allowance is not there yet).
   */
  private async simulate(method: string, args: readonly unknown[], tolerated: readonly string[] = []) {
    try {
      await this.contract.getFunction(method).staticCall(...args);
    } catch (error) {
      const decoded = toOnusError(error, this.contract.interface, method);
      const registryRevert =
        decoded instanceof ContractRevertError &&
        !["Error", "Panic", "UnknownError"].includes(decoded.errorName) &&
        !tolerated.includes(decoded.errorName);
      if (registryRevert || !(decoded instanceof ContractRevertError)) throw decoded;
    }
  }

  /**
   * Estimates (decoding reverts), sends with a serialized nonce, waits, decodes the events.
   * `ordered` estimates inside the nonce lock, so transactions are submitted in call order
   * (the batcher relies on it); otherwise estimation runs in parallel.
   */
  private async send(
    method: string,
    args: readonly unknown[],
    value = 0n,
    options: { ordered?: boolean } = {},
  ): Promise<WriteResult> {
    this.requireSigner(method);
    const fn = this.contract.getFunction(method);
    const overrides = value === 0n ? {} : { value };
    const estimate = async () => {
      try {
        // Headroom: the state may move between estimation and inclusion (e.g. a trace opened).
        return ((await fn.estimateGas(...args, overrides)) * 12n) / 10n + 10_000n;
      } catch (error) {
        throw toOnusError(error, this.contract.interface, method);
      }
    };
    const early = options.ordered ? undefined : await estimate();
    const receipt = await this.sendRaw(method, this.contract.interface, async (nonceOverrides) => {
      const gasLimit = early ?? (await estimate());
      return fn(...args, {
        ...overrides,
        ...nonceOverrides,
        gasLimit,
      }) as Promise<ContractTransactionResponse>;
    });
    return {
      transactionHash: receipt.hash as Hex,
      blockNumber: receipt.blockNumber,
      gasUsed: receipt.gasUsed,
      receipt,
      events: receipt.logs
        .filter((log) => log.address.toLowerCase() === this.address.toLowerCase())
        .map((log) => this.decodeLog(log)),
    };
  }

  private async sendRaw(
    action: string,
    decoder: Interface,
    sendWithNonce: (overrides: { nonce: number }) => Promise<ContractTransactionResponse>,
  ): Promise<TransactionReceipt> {
    const signer = this.requireSigner(action);
    this.#sender ??= new NonceSerializedSender(signer);
    let response: ContractTransactionResponse;
    try {
      response = (await this.#sender.send((nonce) =>
        sendWithNonce({ nonce }),
      )) as ContractTransactionResponse;
    } catch (error) {
      throw toOnusError(error, decoder, action);
    }
    let receipt: TransactionReceipt | null;
    try {
      receipt = await response.wait(this.#confirmations);
    } catch (error) {
      // Mined but reverted: replay the call at that block to recover the revert data.
      if (isCallException(error) && error.receipt) {
        const replayed = await this.replayRevert(response, error.receipt.blockNumber);
        if (replayed === undefined) {
          // The same call succeeds when replayed: it failed for want of gas, not a revert.
          throw new TransactionFailedError(
            `${action}: the transaction failed on-chain without revert data (out of gas?)`,
            response.hash,
            { cause: error },
          );
        }
        throw toOnusError(replayed, decoder, action);
      }
      throw toOnusError(error, decoder, action);
    }
    if (receipt === null)
      throw new TransactionFailedError(`${action}: the transaction was dropped`, response.hash);
    return receipt;
  }

  private async replayRevert(response: ContractTransactionResponse, blockNumber: number): Promise<unknown> {
    try {
      await this.provider.call({
        to: response.to,
        from: response.from,
        data: response.data,
        value: response.value,
        blockTag: blockNumber,
      });
      return undefined;
    } catch (error) {
      return error;
    }
  }
}

/**
 * Creates the full client.
 *
 * @example
 * const onus = createOnusClient({ address: registry, runner: new Wallet(key, provider) });
 */
export function createOnusClient(config: OnusClientConfig): OnusClient {
  return new OnusClient(config);
}

// ── Helpers ──────────────────────────────────────────────────────────────────────────────────

function parseTimestampLike(field: string, value: unknown): bigint {
  return parseAmount(field, value, { allowZero: true, max: 2n ** 256n - 1n });
}

/** Builds a report proof for a step of `trace`, against its stored head or a pinned head. */
function buildProof(trace: Trace, target: { stepId?: Hex; stepIndex?: number }, pinnedHead?: Hex): StepProof {
  const index =
    target.stepIndex ??
    trace.steps.findIndex((step) => step.stepId.toLowerCase() === target.stepId?.toLowerCase());
  if (index < 0 || index >= trace.steps.length) {
    throw new InvalidInputError(
      target.stepId === undefined ? "stepIndex" : "stepId",
      target.stepId ?? target.stepIndex,
      `is not a step of trace ${trace.traceId} (it has ${trace.steps.length} steps)`,
    );
  }
  // Prove against the pinned head: only the steps up to it count. It is looked up among the
  // emitted step ids, so a trace whose fields do not fold still yields a proof (and the
  // registry's StepProofMismatch) rather than a misleading input error.
  let end = trace.steps.length;
  if (pinnedHead !== undefined) {
    end = trace.steps.findIndex((step) => step.stepId.toLowerCase() === pinnedHead.toLowerCase()) + 1;
    if (end === 0) {
      throw new OnusError(`the logs of trace ${trace.traceId} do not reach its pinned head ${pinnedHead}`, {
        details: "the RPC endpoint may lag behind the chain; retry the report",
      });
    }
  }
  if (end <= index) {
    throw new InvalidInputError(
      target.stepId === undefined ? "stepIndex" : "stepId",
      target.stepId ?? target.stepIndex,
      "was logged after the pinned head",
    );
  }
  const bodies = trace.steps.slice(0, end).map((step) => toStepBody(trace.traceId, step));
  return buildStepProof(bodies, index);
}

function loggedSteps(events: readonly RegistryEvent[]): LoggedStep[] {
  return events
    .filter((event) => event.name === "StepLogged")
    .map((event) => ({
      stepId: event.args.stepId as Hex,
      traceId: event.args.traceId as Hex,
      actor: event.args.actor as string,
      kind: event.args.kind as LoggedStep["kind"],
      loggedAt: event.args.loggedAt as bigint,
    }));
}

function eventArgs(events: readonly RegistryEvent[], name: string): Record<string, unknown> {
  const event = events.find((candidate) => candidate.name === name);
  if (event === undefined)
    throw new TransactionFailedError(`the transaction emitted no ${name} event`, undefined);
  return event.args;
}

function eventArg<T>(events: readonly RegistryEvent[], name: string, arg: string): T {
  return eventArgs(events, name)[arg] as T;
}

function closingFrom(failureId: bigint, events: readonly RegistryEvent[]): FailureClosing {
  const closed = eventArgs(events, "FailureClosed");
  const credits: CreditEntry[] = events
    .filter((event) => event.name === "Credited")
    .map((event) => ({
      account: event.args.account as string,
      failureId: event.args.failureId as bigint,
      reason: event.args.reason as CreditEntry["reason"],
      amount: event.args.amount as bigint,
    }));
  return {
    failureId,
    outcome: closed.outcome as FailureStateName,
    accountable: closed.accountable as string,
    paidToBeneficiary: closed.paidToBeneficiary as bigint,
    unbackedShortfall: closed.unbackedShortfall as bigint,
    credits,
  };
}
