/**
 * Shared helpers for the accountability and attack tests: a deployed registry with funded
 * actors ("world") for either collateral kind, logging a trace and reporting step k with a
 * correct proof, moving a failure through its life cycle, and reading state back.
 */
import { expect } from "chai";
import { id, type Addressable, type ContractTransactionResponse } from "ethers";
import type { network } from "hardhat";
import type { MockERC20, ResponsibilityRegistry } from "../../types/ethers-contracts/index.js";
import { buildStepProof, type Hex, type StepBody, type StepProof } from "../../sdk/hashing.js";
import { deployRegistry, makeStep, traceFromEvents, type DeployOptions, type Ethers } from "./registry.js";

/** A Hardhat network connection (`await network.create()`). */
export type Connection = Awaited<ReturnType<typeof network.create>>;
/** The network helpers' `time` object. */
export type Time = Connection["networkHelpers"]["time"];
/** A signer of the test chain. */
export type Signer = Awaited<ReturnType<Ethers["getSigners"]>>[number];
/** A transaction as the contract methods return it. */
export type Tx = Promise<ContractTransactionResponse>;

export const UNIT = 10n ** 18n;
/** What each funded actor holds of an ERC-20 collateral. */
export const FUNDS = 1_000n * UNIT;

/** The trace the tests log and report against. */
export const TRACE = id("onus accountability trace") as Hex;

/** Mirrors of the contract's enums (as ethers returns them). */
export const FailureState = {
  None: 0n,
  Reported: 1n,
  Claimed: 2n,
  Assigned: 3n,
  Contested: 4n,
  RemedyProposed: 5n,
  Compensated: 6n,
  Remedied: 7n,
  Enforced: 8n,
  RuledValid: 9n,
  RuledInvalid: 10n,
  Drawn: 11n,
} as const;
export const Ruling = { None: 0n, Valid: 1n, Invalid: 2n, Refused: 3n } as const;
export const CreditReason = {
  Compensation: 0n,
  ReporterBondReturned: 1n,
  ReporterBondAwarded: 2n,
  TreasuryShare: 3n,
  StakeReturned: 4n,
  BondWithdrawn: 5n,
} as const;

export type CollateralKind = "native" | "erc20";
/** The collateral matrix every life-cycle test runs over. */
export const COLLATERAL_KINDS: readonly CollateralKind[] = ["native", "erc20"];

/** One collateral asset, with the few operations the tests need on either kind. */
export interface Collateral {
  kind: CollateralKind;
  /** The ERC-20 (seen through MockERC20's ABI: balanceOf, approve, mint); undefined for native. */
  token: MockERC20 | undefined;
  /** Overrides for a payable call that must bring `amount` (value on native, nothing on ERC-20). */
  value(amount: bigint): { value?: bigint };
  /** Overrides that send the wrong value: native sends `amount - 1`, ERC-20 sends `amount`. */
  wrongValue(amount: bigint): { value: bigint };
  balanceOf(account: string | Addressable): Promise<bigint>;
  /** Asserts the balance changes a transaction caused, in this collateral. */
  expectBalanceChanges(tx: Tx, accounts: (string | Addressable)[], deltas: bigint[]): Promise<void>;
}

export interface World {
  ethers: Ethers;
  time: Time;
  registry: ResponsibilityRegistry;
  address: string;
  parameters: Awaited<ReturnType<typeof deployRegistry>>["parameters"];
  collateral: Collateral;
  owner: Signer;
  arbiter: Signer;
  treasury: Signer;
  /** The bonded node that logs steps (the accused). */
  node: Signer;
  reporter: Signer;
  beneficiary: Signer;
  claimant: Signer;
  stranger: Signer;
  /** A second address, e.g. of the same operator, or a second node. */
  node2: Signer;
}

export interface WorldOptions extends Omit<DeployOptions, "token"> {
  collateral?: CollateralKind;
  /** A specific ERC-20 to use (implies ERC-20 collateral); a MockERC20 is deployed otherwise. */
  token?: string;
}

/**
 * Deploys a registry (see deployRegistry: signer 0 owner, 1 arbiter, 2 treasury) and, for ERC-20
 * collateral, mints FUNDS to signers 3..11 and approves the registry for all of it.
 * Roles: 3 node, 4 reporter, 5 beneficiary, 6 claimant, 7 stranger, 8 node2.
 */
export async function deployWorld(connection: Connection, options: WorldOptions = {}): Promise<World> {
  const { ethers, networkHelpers } = connection;
  const kind: CollateralKind = options.token !== undefined ? "erc20" : (options.collateral ?? "native");
  let tokenAddress = options.token;
  if (kind === "erc20" && tokenAddress === undefined) {
    const mock = await ethers.deployContract("MockERC20", ["Onus Test Token", "OTT", 18]);
    tokenAddress = await mock.getAddress();
  }
  const deployed = await deployRegistry(ethers, { ...options, token: tokenAddress });
  const address = await deployed.registry.getAddress();
  const signers = await ethers.getSigners();
  const token =
    tokenAddress === undefined ? undefined : await ethers.getContractAt("MockERC20", tokenAddress);
  if (token !== undefined) {
    for (const signer of signers.slice(3, 12)) {
      await token.mint(signer.address, FUNDS);
      await token.connect(signer).approve(address, ethers.MaxUint256);
    }
  }
  const collateral: Collateral = {
    kind,
    token,
    value: (amount) => (token === undefined ? { value: amount } : {}),
    wrongValue: (amount) => ({ value: token === undefined ? amount - 1n : amount }),
    balanceOf: async (account) => {
      const who = typeof account === "string" ? account : await account.getAddress();
      return token === undefined ? ethers.provider.getBalance(who) : token.balanceOf(who);
    },
    expectBalanceChanges: async (tx, accounts, deltas) => {
      if (token === undefined) await expect(tx).to.changeEtherBalances(ethers, accounts, deltas);
      else await expect(tx).to.changeTokenBalances(ethers, token, accounts, deltas);
    },
  };
  return {
    ethers,
    time: networkHelpers.time,
    registry: deployed.registry,
    address,
    parameters: deployed.parameters,
    collateral,
    owner: signers[0],
    arbiter: signers[1],
    treasury: signers[2],
    node: signers[3],
    reporter: signers[4],
    beneficiary: signers[5],
    claimant: signers[6],
    stranger: signers[7],
    node2: signers[8],
  };
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Trace and reports
// ─────────────────────────────────────────────────────────────────────────────────────────────

/** Posts an operator bond of `amount` for `operator`. */
export async function bond(world: World, operator: Signer, amount: bigint): Promise<void> {
  await (await world.registry.connect(operator).bond(amount, world.collateral.value(amount))).wait();
}

/** Logs `count` steps (numbered from `from`) to `traceId` as `actor`, in one batch. */
export async function logTrace(
  world: World,
  actor: Signer,
  count: number,
  traceId: string = TRACE,
  from = 0,
): Promise<StepBody[]> {
  const steps = Array.from({ length: count }, (_, n) => makeStep(world.ethers, traceId, from + n));
  await (await world.registry.connect(actor).logSteps(steps)).wait();
  return traceBodies(world, traceId);
}

/** The trace's step bodies, oldest first, rebuilt from events. */
export async function traceBodies(world: World, traceId: string = TRACE): Promise<StepBody[]> {
  return (await traceFromEvents(world.registry, traceId)).map((step) => step.body);
}

/** The trace's step ids, oldest first, from events. */
export async function traceStepIds(world: World, traceId: string = TRACE): Promise<string[]> {
  return (await traceFromEvents(world.registry, traceId)).map((step) => step.stepId);
}

/** A proof of step `index` against the trace's current head, rebuilt from events. */
export async function proofOf(world: World, index: number, traceId: string = TRACE): Promise<StepProof> {
  return buildStepProof(await traceBodies(world, traceId), index);
}

export interface ReportParams {
  index?: number;
  traceId?: string;
  reporter?: Signer;
  beneficiary?: string;
  compensation?: bigint;
  evidenceDigest?: string;
  evidenceUri?: string;
  /** A proof to use instead of one rebuilt from events against the current head. */
  proof?: StepProof;
  /** Overrides for the call; by default exactly the current reporter bond. */
  overrides?: { value?: bigint };
}

export const EVIDENCE_DIGEST = id("evidence");
export const EVIDENCE_URI = "ipfs://evidence";
export const DEFAULT_COMPENSATION = 2n * UNIT;

/** The FailureReport struct of `params` (defaults: TRACE, the world's beneficiary, 2 units). */
export function failureReport(world: World, params: ReportParams = {}) {
  return {
    traceId: params.traceId ?? TRACE,
    beneficiary: params.beneficiary ?? world.beneficiary.address,
    compensation: params.compensation ?? DEFAULT_COMPENSATION,
    evidenceDigest: params.evidenceDigest ?? EVIDENCE_DIGEST,
    evidenceUri: params.evidenceUri ?? EVIDENCE_URI,
  };
}

/** The reporter bond of the parameters currently in force. */
export async function currentReporterBond(world: World): Promise<bigint> {
  return (await world.registry.parameters()).current.reporterBond;
}

/** Sends a report of step `index` (default 1) without waiting; the caller asserts on it. */
export async function sendReport(world: World, params: ReportParams = {}): Tx {
  const proof = params.proof ?? (await proofOf(world, params.index ?? 1, params.traceId ?? TRACE));
  const overrides = params.overrides ?? world.collateral.value(await currentReporterBond(world));
  const reporter = params.reporter ?? world.reporter;
  return world.registry.connect(reporter).reportFailure(failureReport(world, params), proof, overrides);
}

/** Reports step `index` (default 1) with a correct proof; returns the new failure's id and step. */
export async function report(
  world: World,
  params: ReportParams = {},
): Promise<{ failureId: bigint; stepId: string; proof: StepProof }> {
  const traceId = params.traceId ?? TRACE;
  const proof = params.proof ?? (await proofOf(world, params.index ?? 1, traceId));
  await (await sendReport(world, { ...params, proof })).wait();
  const failureId = await world.registry.failureCount();
  return { failureId, stepId: (await world.registry.failure(failureId)).stepId, proof };
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Time and the life cycle
// ─────────────────────────────────────────────────────────────────────────────────────────────

/** The deadline of a failure's current phase. */
export async function deadlineOf(world: World, failureId: bigint): Promise<bigint> {
  return (await world.registry.failure(failureId)).deadline;
}

/** Makes the next transaction land at `deadline + offset` of the failure's current phase. */
export async function atDeadline(world: World, failureId: bigint, offset = 0n): Promise<bigint> {
  const timestamp = (await deadlineOf(world, failureId)) + offset;
  await world.time.setNextBlockTimestamp(timestamp);
  return timestamp;
}

/** Makes the next transaction land `delay` seconds from now and returns its timestamp. */
export async function nextTimestamp(world: World, delay = 10n): Promise<bigint> {
  const timestamp = BigInt(await world.time.latest()) + delay;
  await world.time.setNextBlockTimestamp(timestamp);
  return timestamp;
}

/** `claimant` stakes the compensation of a Reported failure. */
export async function claim(
  world: World,
  failureId: bigint,
  claimant: Signer = world.claimant,
): Promise<void> {
  const stake = (await world.registry.failure(failureId)).compensation;
  await (
    await world.registry.connect(claimant).claimResponsibility(failureId, world.collateral.value(stake))
  ).wait();
}

/** Moves past the claim deadline and assigns the failure to its step's actor. */
export async function assign(world: World, failureId: bigint): Promise<void> {
  await atDeadline(world, failureId, 1n);
  await (await world.registry.connect(world.stranger).assignFallback(failureId)).wait();
}

export const REASON_DIGEST = id("reason");
export const REASON_URI = "ipfs://reason";
export const REMEDY_DIGEST = id("remedy");
export const REMEDY_URI = "ipfs://remedy";

/** `by` contests the failure (the step's actor while Reported, the accountable party after). */
export async function contest(world: World, failureId: bigint, by: Signer): Promise<void> {
  await (await world.registry.connect(by).contest(failureId, REASON_DIGEST, REASON_URI)).wait();
}

/** The accountable party proposes a remedy. */
export async function proposeRemedy(world: World, failureId: bigint, by: Signer): Promise<void> {
  await (await world.registry.connect(by).proposeRemedy(failureId, REMEDY_DIGEST, REMEDY_URI)).wait();
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Reading state back
// ─────────────────────────────────────────────────────────────────────────────────────────────

type FailureView = Awaited<ReturnType<ResponsibilityRegistry["failure"]>>;
type LedgerView = Awaited<ReturnType<ResponsibilityRegistry["ledgerOf"]>>;
type BondView = Awaited<ReturnType<ResponsibilityRegistry["bondOf"]>>;

export type FailureFields = Pick<
  FailureView,
  | "traceId"
  | "stepId"
  | "actor"
  | "state"
  | "collateralFromBond"
  | "parametersVersion"
  | "reportedAt"
  | "reporter"
  | "deadline"
  | "beneficiary"
  | "accountable"
  | "compensation"
  | "reporterBond"
  | "collateral"
  | "shortfall"
>;
export type LedgerFields = Pick<
  LedgerView,
  | "failuresAttributed"
  | "failuresReported"
  | "failuresClaimed"
  | "failuresDefaulted"
  | "failuresContested"
  | "failuresCompensated"
  | "failuresRemedied"
  | "failuresEnforced"
  | "failuresRuledValid"
  | "failuresRuledInvalid"
  | "failuresDrawn"
  | "amountPaid"
  | "amountSlashed"
  | "amountReceived"
  | "unbackedShortfall"
  | "reporterBondsForfeited"
>;
export type BondFields = Pick<BondView, "amount" | "unbonding" | "unbondableAt" | "openFailures">;
export interface TotalsFields {
  bonded: bigint;
  reporterBonds: bigint;
  staked: bigint;
  credits: bigint;
}

function expectFields<T extends object>(label: string, actual: T, expected: Partial<T>): void {
  for (const key of Object.keys(expected) as (keyof T & string)[]) {
    expect(actual[key], `${label}.${key}`).to.equal(expected[key]);
  }
}

/** Asserts the listed fields of `failure(failureId)`. */
export async function expectFailure(world: World, failureId: bigint, expected: Partial<FailureFields>) {
  expectFields(`failure(${failureId})`, await world.registry.failure(failureId), expected);
}

/** Asserts the listed fields of `ledgerOf(account)`. */
export async function expectLedger(world: World, account: string, expected: Partial<LedgerFields>) {
  expectFields(`ledgerOf(${account})`, await world.registry.ledgerOf(account), expected);
}

/** Asserts the listed fields of `bondOf(operator)`. */
export async function expectBond(world: World, operator: string, expected: Partial<BondFields>) {
  expectFields(`bondOf(${operator})`, await world.registry.bondOf(operator), expected);
}

/** Asserts every field of `totals()`. */
export async function expectTotals(world: World, expected: TotalsFields) {
  const totals = await world.registry.totals();
  expect(
    {
      bonded: totals.bonded,
      reporterBonds: totals.reporterBonds,
      staked: totals.staked,
      credits: totals.credits,
    },
    "totals()",
  ).to.deep.equal(expected);
}

/** Asserts the credits of each listed account. */
export async function expectCredits(world: World, expected: [Signer | string, bigint][]) {
  for (const [account, amount] of expected) {
    const address = typeof account === "string" ? account : account.address;
    expect(await world.registry.creditOf(address), `creditOf(${address})`).to.equal(amount);
  }
}

/** The sum of the registry's liabilities (bonds, reporter bonds, stakes and credits). */
export async function liabilities(world: World): Promise<bigint> {
  const totals = await world.registry.totals();
  return totals.bonded + totals.reporterBonds + totals.staked + totals.credits;
}

/**
 * Invariants 1–2: with nothing force-sent, the registry holds exactly what it owes.
 * `surplus` is what it holds on top (force-sent funds, positive rebases).
 */
export async function expectBacked(world: World, surplus = 0n): Promise<void> {
  expect(await world.collateral.balanceOf(world.address), "registry balance").to.equal(
    (await liabilities(world)) + surplus,
  );
}

/** Withdraws all of `account`'s credits to itself. */
export async function withdrawAll(world: World, account: Signer): Promise<void> {
  await (await world.registry.connect(account).withdraw(account.address)).wait();
}

/** Formats an offset from a deadline for test titles. */
export function offsetLabel(offset: bigint): string {
  if (offset === 0n) return "at the deadline";
  return offset < 0n ? `at deadline − ${-offset}` : `at deadline + ${offset}`;
}

/** Deadline boundary cases of an action allowed while `now <= deadline`. */
export const BEFORE_DEADLINE = [
  { offset: -1n, allowed: true },
  { offset: 0n, allowed: true },
  { offset: 1n, allowed: false },
] as const;

/** Deadline boundary cases of a timeout action allowed only once `now > deadline`. */
export const AFTER_DEADLINE = [
  { offset: -1n, allowed: false },
  { offset: 0n, allowed: false },
  { offset: 1n, allowed: true },
] as const;

export type { Hex, StepBody, StepProof };

/** A `Credited` event as [account, failureId, reason, amount]. */
export type CreditedArgs = [string, bigint, bigint, bigint];

/** Every `Credited` event a transaction emitted, in order. */
export async function creditedBy(world: World, tx: Tx): Promise<CreditedArgs[]> {
  const receipt = await (await tx).wait();
  const credited: CreditedArgs[] = [];
  for (const log of receipt?.logs ?? []) {
    if (log.address !== world.address) continue;
    const parsed = world.registry.interface.parseLog(log);
    if (parsed?.name !== "Credited") continue;
    credited.push([parsed.args.account, parsed.args.failureId, parsed.args.reason, parsed.args.amount]);
  }
  return credited;
}

/** Asserts that a transaction credited exactly these (account, failureId, reason, amount), in order. */
export async function expectCreditedExactly(
  world: World,
  tx: Tx,
  expected: [Signer | string, bigint, bigint, bigint][],
): Promise<void> {
  const normalized = expected.map(([account, failureId, reason, amount]): CreditedArgs => [
    typeof account === "string" ? account : account.address,
    failureId,
    reason,
    amount,
  ]);
  expect(await creditedBy(world, tx), "Credited events").to.deep.equal(normalized);
}
