/**
 * Data shapes the SDK returns: traces, failures, ledgers, parameters, and write results.
 *
 * @module
 */
import type { Log, TransactionReceipt } from "ethers";
import type { Hex, StepKindName } from "./hashing.js";

export { FAILURE_STATE_NAMES, RULING_NAMES } from "./errors.js";

/** A failure's state, by name. */
export type FailureStateName =
  | "None"
  | "Reported"
  | "Claimed"
  | "Assigned"
  | "Contested"
  | "RemedyProposed"
  | "Compensated"
  | "Remedied"
  | "Enforced"
  | "RuledValid"
  | "RuledInvalid"
  | "Drawn";

/** States in which a failure is open (not yet settled). */
export const OPEN_FAILURE_STATES: readonly FailureStateName[] = [
  "Reported",
  "Claimed",
  "Assigned",
  "Contested",
  "RemedyProposed",
];

/** An arbiter's ruling, by name. */
export type RulingName = "Valid" | "Invalid" | "Refused";
/** Rulings as the contract numbers them. */
export const Ruling = { None: 0, Valid: 1, Invalid: 2, Refused: 3 } as const;

/** Why an address was credited. */
export const CREDIT_REASON_NAMES = [
  "Compensation",
  "ReporterBondReturned",
  "ReporterBondAwarded",
  "TreasuryShare",
  "StakeReturned",
  "BondWithdrawn",
] as const;
export type CreditReasonName = (typeof CREDIT_REASON_NAMES)[number];

/** One step of a trace, rebuilt from its `StepLogged` event. */
export interface TraceStep {
  /** Position in the trace, from 0. */
  index: number;
  stepId: Hex;
  traceId: Hex;
  actor: string;
  kind: StepKindName;
  inputDigest: Hex;
  outputDigest: Hex;
  /** The URI as text (bytes that are not UTF-8 show as U+FFFD). */
  uri: string;
  /** The URI's exact bytes, as logged and hashed on-chain. */
  uriBytes: Hex;
  /** Block timestamp folded into the step (seconds). */
  loggedAt: bigint;
  blockNumber: number;
  transactionHash: Hex;
  logIndex: number;
}

/** A trace: its steps in order and the head stored on-chain. */
export interface Trace {
  traceId: Hex;
  /** The head the registry stores (zero for an empty trace). */
  storedHead: Hex;
  steps: TraceStep[];
}

/** The result of checking a trace's events against its stored head. */
export interface TraceVerification {
  /** True when every step id recomputes and the last one equals the stored head. */
  valid: boolean;
  traceId: Hex;
  stepCount: number;
  storedHead: Hex;
  /** The head the events fold to. */
  computedHead: Hex;
  /** The first step whose emitted id does not recompute from its fields and the previous head. */
  firstBadStep?: { index: number; stepId: Hex; recomputedStepId: Hex };
  /** Why the trace is not valid, in words. */
  reason?: string;
}

/** A failure's full state, with enum values by name. */
export interface FailureView {
  failureId: bigint;
  traceId: Hex;
  stepId: Hex;
  actor: string;
  state: FailureStateName;
  open: boolean;
  collateralFromBond: boolean;
  parametersVersion: number;
  reportedAt: bigint;
  reporter: string;
  /** Deadline of the current phase (see the contract's NatSpec). */
  deadline: bigint;
  beneficiary: string;
  /** Zero address while Reported. */
  accountable: string;
  compensation: bigint;
  reporterBond: bigint;
  collateral: bigint;
  shortfall: bigint;
}

/** A registry event, decoded with the contract interface. */
export interface RegistryEvent {
  name: string;
  /** Arguments by name. */
  args: Record<string, unknown>;
  blockNumber: number;
  transactionHash: Hex;
  logIndex: number;
}

/** A failure and every event that touched it, in order. */
export interface FailureWithHistory extends FailureView {
  history: RegistryEvent[];
}

/** An address's record. */
export interface LedgerView {
  account: string;
  /** Counted from `StepLogged` events (not stored on-chain). */
  stepsLogged: number;
  failuresAttributed: number;
  failuresReported: number;
  failuresClaimed: number;
  failuresDefaulted: number;
  failuresContested: number;
  failuresCompensated: number;
  failuresRemedied: number;
  failuresEnforced: number;
  failuresRuledValid: number;
  failuresRuledInvalid: number;
  failuresDrawn: number;
  amountPaid: bigint;
  amountSlashed: bigint;
  amountReceived: bigint;
  unbackedShortfall: bigint;
  reporterBondsForfeited: bigint;
  /** Credits not yet withdrawn. */
  credit: bigint;
  bond: OperatorBondView;
}

/** An operator bond. */
export interface OperatorBondView {
  amount: bigint;
  unbonding: bigint;
  unbondableAt: bigint;
  openFailures: number;
  /** amount - unbonding (never negative). */
  active: bigint;
}

/** The registry's parameters (one version). */
export interface RegistryParameters {
  reporterBond: bigint;
  compensationCap: bigint;
  reportWindow: bigint;
  claimWindow: bigint;
  resolutionWindow: bigint;
  remedyWindow: bigint;
  arbitrationTimeout: bigint;
  unbondingDelay: bigint;
  treasuryShareBps: bigint;
  arbiter: string;
  treasury: string;
}

/** The registry's configuration as a whole. */
export interface RegistryConfig {
  parameters: RegistryParameters;
  parametersVersion: number;
  minimumOperatorBond: bigint;
  paused: boolean;
  gatedLogging: boolean;
  /** ERC-20 address, or the zero address for the native currency. */
  collateralToken: string;
  owner: string;
  maxBatchSize: number;
}

/** What the contract owes, by kind. */
export interface RegistryTotals {
  bonded: bigint;
  reporterBonds: bigint;
  staked: bigint;
  credits: bigint;
}

/** What every write returns: the receipt and the registry events it emitted. */
export interface WriteResult {
  transactionHash: Hex;
  blockNumber: number;
  gasUsed: bigint;
  receipt: TransactionReceipt;
  /** Events of this transaction emitted by the registry (filtered by its address). */
  events: RegistryEvent[];
}

/** A step the registry logged. */
export interface LoggedStep {
  stepId: Hex;
  traceId: Hex;
  actor: string;
  kind: StepKindName;
  loggedAt: bigint;
}

/** A credit a settlement created. */
export interface CreditEntry {
  account: string;
  failureId: bigint;
  reason: CreditReasonName;
  amount: bigint;
}

/** The outcome of a write that closed a failure. */
export interface FailureClosing {
  failureId: bigint;
  outcome: FailureStateName;
  accountable: string;
  paidToBeneficiary: bigint;
  unbackedShortfall: bigint;
  credits: CreditEntry[];
}

/** A raw log with its decoded event, as watchers deliver them. */
export interface DecodedLog {
  log: Log;
  event: RegistryEvent;
}
