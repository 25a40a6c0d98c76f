import { expect } from "chai";
import { network } from "hardhat";
import { computeStepId, stepBodyHash, ZERO_HASH, type Hex } from "../sdk/hashing.js";
import {
  AFTER_DEADLINE,
  assign,
  atDeadline,
  BEFORE_DEADLINE,
  bond,
  claim,
  COLLATERAL_KINDS,
  contest,
  CreditReason,
  DEFAULT_COMPENSATION,
  deployWorld,
  EVIDENCE_DIGEST,
  EVIDENCE_URI,
  expectBacked,
  expectBond,
  expectCreditedExactly,
  expectCredits,
  expectFailure,
  expectLedger,
  expectTotals,
  FailureState,
  logTrace,
  nextTimestamp,
  offsetLabel,
  proofOf,
  proposeRemedy,
  REASON_DIGEST,
  REASON_URI,
  REMEDY_DIGEST,
  REMEDY_URI,
  report,
  Ruling,
  sendReport,
  traceBodies,
  TRACE,
  UNIT,
  withdrawAll,
  type CollateralKind,
  type Signer,
  type Tx,
  type World,
} from "./helpers/failures.js";
import { anyHex, anyValue } from "./helpers/matchers.js";
import { DAY, defaultParameters, deployRegistry, makeStep } from "./helpers/registry.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture } = networkHelpers;

/** The node's operator bond in the fixtures. */
const BOND = 5n * UNIT;
const COMPENSATION = DEFAULT_COMPENSATION; // 2 units
/** A compensation larger than the node's bond, so a fallback leaves a shortfall. */
const LARGE_COMPENSATION = 7n * UNIT;
const REPORTER_BOND = 10n ** 16n;
const TREASURY_SHARE = REPORTER_BOND / 10n; // 10 %
const AWARD = REPORTER_BOND - TREASURY_SHARE;
const OTHER_TRACE = ethers.id("an unbonded node's trace");

const CLAIM_WINDOW = 1n * DAY;
const RESOLUTION_WINDOW = 2n * DAY;
const REMEDY_WINDOW = 3n * DAY;
const ARBITRATION_TIMEOUT = 4n * DAY;
const REPORT_WINDOW = 7n * DAY;
const UNBONDING_DELAY = 17n * DAY;

/** One set of fixtures per collateral kind (loadFixture caches by function identity). */
function fixturesFor(kind: CollateralKind) {
  /** The node bonded BOND and logged three steps of TRACE in one batch. */
  async function bonded() {
    const world = await deployWorld(connection, { collateral: kind });
    await bond(world, world.node, BOND);
    await logTrace(world, world.node, 3);
    return world;
  }
  /** Step 1 of TRACE reported, asking COMPENSATION. */
  async function reported() {
    const world = await bonded();
    const { failureId, stepId } = await report(world);
    return { ...world, failureId, stepId };
  }
  /** Step 1 of TRACE reported, asking more than the node's bond. */
  async function reportedLarge() {
    const world = await bonded();
    const { failureId, stepId } = await report(world, { compensation: LARGE_COMPENSATION });
    return { ...world, failureId, stepId };
  }
  /** A step of node2, which never bonded, reported. */
  async function reportedUnbonded() {
    const world = await bonded();
    await logTrace(world, world.node2, 2, OTHER_TRACE);
    const { failureId, stepId } = await report(world, { traceId: OTHER_TRACE, index: 0 });
    return { ...world, failureId, stepId };
  }
  async function claimed() {
    const world = await reported();
    await claim(world, world.failureId);
    return world;
  }
  async function assigned() {
    const world = await reported();
    await assign(world, world.failureId);
    return world;
  }
  async function assignedShort() {
    const world = await reportedLarge();
    await assign(world, world.failureId);
    return world;
  }
  async function contestedByActor() {
    const world = await reported();
    await contest(world, world.failureId, world.node);
    return world;
  }
  async function contestedByClaimant() {
    const world = await claimed();
    await contest(world, world.failureId, world.claimant);
    return world;
  }
  async function remedyProposed() {
    const world = await claimed();
    await proposeRemedy(world, world.failureId, world.claimant);
    return world;
  }
  async function assignedRemedyProposed() {
    const world = await assigned();
    await proposeRemedy(world, world.failureId, world.node);
    return world;
  }
  async function compensated() {
    const world = await claimed();
    await (await world.registry.connect(world.claimant).compensate(world.failureId)).wait();
    return world;
  }
  return {
    bonded,
    reported,
    reportedLarge,
    reportedUnbonded,
    claimed,
    assigned,
    assignedShort,
    contestedByActor,
    contestedByClaimant,
    remedyProposed,
    assignedRemedyProposed,
    compensated,
  };
}

type Fixtures = ReturnType<typeof fixturesFor>;
type FailureWorld = Awaited<ReturnType<Fixtures["reported"]>>;

/**
 * Declares the three deadline boundary tests (deadline − 1, the deadline, deadline + 1) of one action
 * on `world.failureId`. An action that must come `"by"` the deadline reverts after it with
 * DeadlinePassed; a timeout that may only come `"after"` it reverts until then with
 * DeadlineNotReached; both carry the failure id, the deadline and the block time. Where the time is
 * allowed, the action emits `event` (FailureClosed by default), or passes `expectAllowed` when given.
 */
function itHonoursDeadline<W extends FailureWorld>(spec: {
  action: string;
  window: string;
  when: "by" | "after";
  fixture: () => Promise<W>;
  act: (world: W) => Tx;
  event?: string;
  expectAllowed?: (world: W, tx: Tx, timestamp: bigint) => Promise<void>;
}): void {
  const error = spec.when === "by" ? "DeadlinePassed" : "DeadlineNotReached";
  for (const { offset, allowed } of spec.when === "by" ? BEFORE_DEADLINE : AFTER_DEADLINE) {
    it(`${allowed ? spec.action : `reverts with ${error}`} ${offsetLabel(offset)} (${spec.window})`, async function () {
      const w = await loadFixture(spec.fixture);
      const timestamp = await atDeadline(w, w.failureId, offset);
      const tx = spec.act(w);
      if (!allowed) {
        await expect(tx)
          .to.be.revertedWithCustomError(w.registry, error)
          .withArgs(w.failureId, timestamp - offset, timestamp);
      } else if (spec.expectAllowed) await spec.expectAllowed(w, tx, timestamp);
      else await expect(tx).to.emit(w.registry, spec.event ?? "FailureClosed");
    });
  }
}

type ParametersView = Awaited<ReturnType<World["registry"]["parametersAt"]>>;

/** A Parameters struct as a plain object, to compare with the one that was set. */
function parametersObject(p: ParametersView) {
  return {
    reporterBond: p.reporterBond,
    compensationCap: p.compensationCap,
    reportWindow: p.reportWindow,
    claimWindow: p.claimWindow,
    resolutionWindow: p.resolutionWindow,
    remedyWindow: p.remedyWindow,
    arbitrationTimeout: p.arbitrationTimeout,
    unbondingDelay: p.unbondingDelay,
    treasuryShareBps: p.treasuryShareBps,
    arbiter: p.arbiter,
    treasury: p.treasury,
  };
}

const LABELS: Record<CollateralKind, string> = { native: "native collateral", erc20: "ERC-20 collateral" };

describe("ResponsibilityRegistry — accountability", function () {
  for (const kind of COLLATERAL_KINDS) {
    describe(`with ${LABELS[kind]}`, function () {
      const f = fixturesFor(kind);

      describe("bond", function () {
        it("adds to the bond, takes exactly the amount and emits Bonded", async function () {
          const w = await loadFixture(f.bonded);
          const tx = w.registry.connect(w.node).bond(UNIT, w.collateral.value(UNIT));
          await expect(tx)
            .to.emit(w.registry, "Bonded")
            .withArgs(w.node.address, UNIT, BOND + UNIT);
          await w.collateral.expectBalanceChanges(tx, [w.node, w.registry], [-UNIT, UNIT]);
          await expectBond(w, w.node.address, { amount: BOND + UNIT, unbonding: 0n, openFailures: 0n });
          await expectTotals(w, { bonded: BOND + UNIT, reporterBonds: 0n, staked: 0n, credits: 0n });
          await expectBacked(w);
        });

        it("starts a bond for a new operator", async function () {
          const w = await loadFixture(f.bonded);
          await expect(w.registry.connect(w.node2).bond(3n, w.collateral.value(3n)))
            .to.emit(w.registry, "Bonded")
            .withArgs(w.node2.address, 3n, 3n);
          await expectBond(w, w.node2.address, { amount: 3n, unbonding: 0n, unbondableAt: 0n });
        });

        it("reverts when the amount is zero", async function () {
          const w = await loadFixture(f.bonded);
          await expect(
            w.registry.connect(w.node).bond(0n, w.collateral.value(0n)),
          ).to.be.revertedWithCustomError(w.registry, "ZeroAmount");
        });

        it("reverts when the active bond (unbonding excluded) would stay below the minimum", async function () {
          const w = await loadFixture(f.bonded);
          await w.registry.connect(w.owner).setMinimumOperatorBond(6n * UNIT);
          await expect(w.registry.connect(w.node).bond(UNIT / 2n, w.collateral.value(UNIT / 2n)))
            .to.be.revertedWithCustomError(w.registry, "BondBelowMinimum")
            .withArgs(BOND + UNIT / 2n, 6n * UNIT);
          await expect(w.registry.connect(w.node).bond(UNIT, w.collateral.value(UNIT)))
            .to.emit(w.registry, "Bonded")
            .withArgs(w.node.address, UNIT, 6n * UNIT);
          await w.registry.connect(w.node).startUnbonding(3n * UNIT);
          await expect(w.registry.connect(w.node).bond(2n * UNIT, w.collateral.value(2n * UNIT)))
            .to.be.revertedWithCustomError(w.registry, "BondBelowMinimum")
            .withArgs(5n * UNIT, 6n * UNIT);
          await expect(w.registry.connect(w.node2).bond(1n, w.collateral.value(1n)))
            .to.be.revertedWithCustomError(w.registry, "BondBelowMinimum")
            .withArgs(1n, 6n * UNIT);
        });

        it("counts an active bond of zero when slashing took more than the part not unbonding", async function () {
          const w = await loadFixture(f.reported);
          await w.registry.connect(w.node).startUnbonding(BOND);
          await assign(w, w.failureId); // locks 2 of the 5 units, all of which are unbonding
          await expectBond(w, w.node.address, { amount: BOND - COMPENSATION, unbonding: BOND });
          // 3 + 1 = 4 bonded, 5 unbonding: active bond 0, which meets a minimum of 0 ...
          await expect(w.registry.connect(w.node).bond(UNIT, w.collateral.value(UNIT)))
            .to.emit(w.registry, "Bonded")
            .withArgs(w.node.address, UNIT, BOND - COMPENSATION + UNIT);
          // ... but not a minimum of 1 wei.
          await w.registry.connect(w.owner).setMinimumOperatorBond(1n);
          await expect(w.registry.connect(w.node).bond(UNIT / 2n, w.collateral.value(UNIT / 2n)))
            .to.be.revertedWithCustomError(w.registry, "BondBelowMinimum")
            .withArgs(0n, 1n);
        });

        it("reverts when the value sent does not match the collateral kind", async function () {
          const w = await loadFixture(f.bonded);
          const tx = w.registry.connect(w.node).bond(UNIT, w.collateral.wrongValue(UNIT));
          if (kind === "native") {
            await expect(tx)
              .to.be.revertedWithCustomError(w.registry, "ValueMismatch")
              .withArgs(UNIT, UNIT - 1n);
          } else {
            await expect(tx).to.be.revertedWithCustomError(w.registry, "UnexpectedValue").withArgs(UNIT);
          }
        });

        it("reverts when the bond would overflow uint128", async function () {
          const w = await loadFixture(f.bonded);
          const amount = 2n ** 128n;
          await expect(w.registry.connect(w.node).bond(amount, w.collateral.value(0n)))
            .to.be.revertedWithCustomError(w.registry, "SafeCastOverflowedUintDowncast")
            .withArgs(128n, amount + BOND);
        });
      });

      describe("startUnbonding", function () {
        it("marks part of the bond as unbonding until the delay has passed", async function () {
          const w = await loadFixture(f.bonded);
          const t = await nextTimestamp(w);
          await expect(w.registry.connect(w.node).startUnbonding(2n * UNIT))
            .to.emit(w.registry, "UnbondingStarted")
            .withArgs(w.node.address, 2n * UNIT, 2n * UNIT, t + UNBONDING_DELAY);
          await expectBond(w, w.node.address, {
            amount: BOND,
            unbonding: 2n * UNIT,
            unbondableAt: t + UNBONDING_DELAY,
          });
          await expectTotals(w, { bonded: BOND, reporterBonds: 0n, staked: 0n, credits: 0n });
        });

        it("adds to what is unbonding and restarts the delay for all of it", async function () {
          const w = await loadFixture(f.bonded);
          await w.registry.connect(w.node).startUnbonding(2n * UNIT);
          const t = await nextTimestamp(w, DAY);
          await expect(w.registry.connect(w.node).startUnbonding(UNIT))
            .to.emit(w.registry, "UnbondingStarted")
            .withArgs(w.node.address, UNIT, 3n * UNIT, t + UNBONDING_DELAY);
          await expectBond(w, w.node.address, { unbonding: 3n * UNIT, unbondableAt: t + UNBONDING_DELAY });
        });

        it("reverts when the amount is zero", async function () {
          const w = await loadFixture(f.bonded);
          await expect(w.registry.connect(w.node).startUnbonding(0n)).to.be.revertedWithCustomError(
            w.registry,
            "ZeroAmount",
          );
        });

        it("reverts when the amount exceeds the bond not already unbonding", async function () {
          const w = await loadFixture(f.bonded);
          await expect(w.registry.connect(w.node).startUnbonding(BOND + 1n))
            .to.be.revertedWithCustomError(w.registry, "UnbondingExceedsBond")
            .withArgs(w.node.address, BOND + 1n, BOND);
          await w.registry.connect(w.node).startUnbonding(4n * UNIT);
          await expect(w.registry.connect(w.node).startUnbonding(2n * UNIT))
            .to.be.revertedWithCustomError(w.registry, "UnbondingExceedsBond")
            .withArgs(w.node.address, 2n * UNIT, UNIT);
          await expect(w.registry.connect(w.stranger).startUnbonding(1n))
            .to.be.revertedWithCustomError(w.registry, "UnbondingExceedsBond")
            .withArgs(w.stranger.address, 1n, 0n);
        });

        it("uses the unbonding delay of the parameters in force", async function () {
          const w = await loadFixture(f.bonded);
          await w.registry.connect(w.owner).setParameters({ ...w.parameters, unbondingDelay: 30n * DAY });
          const t = await nextTimestamp(w);
          await expect(w.registry.connect(w.node).startUnbonding(UNIT))
            .to.emit(w.registry, "UnbondingStarted")
            .withArgs(w.node.address, UNIT, UNIT, t + 30n * DAY);
        });
      });

      describe("withdrawBond", function () {
        it("reverts when nothing is unbonding", async function () {
          const w = await loadFixture(f.bonded);
          await expect(w.registry.connect(w.node).withdrawBond())
            .to.be.revertedWithCustomError(w.registry, "NothingUnbonding")
            .withArgs(w.node.address);
        });

        // unbondableAt is documented as the first timestamp at which the bond can be withdrawn.
        for (const { offset, allowed } of [
          { offset: -1n, allowed: false },
          { offset: 0n, allowed: true },
          { offset: 1n, allowed: true },
        ]) {
          it(`${allowed ? "withdraws" : "reverts with UnbondingNotReady"} ${offsetLabel(offset)} (unbondableAt)`, async function () {
            const w = await loadFixture(f.bonded);
            await w.registry.connect(w.node).startUnbonding(2n * UNIT);
            const unbondableAt = (await w.registry.bondOf(w.node.address)).unbondableAt;
            await w.time.setNextBlockTimestamp(unbondableAt + offset);
            const tx = w.registry.connect(w.node).withdrawBond();
            if (allowed) {
              await expect(tx)
                .to.emit(w.registry, "BondWithdrawn")
                .withArgs(w.node.address, 2n * UNIT);
            } else {
              await expect(tx)
                .to.be.revertedWithCustomError(w.registry, "UnbondingNotReady")
                .withArgs(w.node.address, unbondableAt, unbondableAt + offset);
            }
          });
        }

        it("moves the unbonded amount to the operator's credits, never straight out", async function () {
          const w = await loadFixture(f.bonded);
          await w.registry.connect(w.node).startUnbonding(2n * UNIT);
          await w.time.increase(UNBONDING_DELAY);
          const tx = w.registry.connect(w.node).withdrawBond();
          await expect(tx)
            .to.emit(w.registry, "BondWithdrawn")
            .withArgs(w.node.address, 2n * UNIT);
          await expectCreditedExactly(w, tx, [[w.node, 0n, CreditReason.BondWithdrawn, 2n * UNIT]]);
          await w.collateral.expectBalanceChanges(tx, [w.node, w.registry], [0n, 0n]);
          await expectBond(w, w.node.address, { amount: 3n * UNIT, unbonding: 0n });
          await expectTotals(w, { bonded: 3n * UNIT, reporterBonds: 0n, staked: 0n, credits: 2n * UNIT });
          await expectCredits(w, [[w.node, 2n * UNIT]]);
          await expect(w.registry.connect(w.node).withdrawBond())
            .to.be.revertedWithCustomError(w.registry, "NothingUnbonding")
            .withArgs(w.node.address);
          await w.collateral.expectBalanceChanges(
            w.registry.connect(w.node).withdraw(w.node.address),
            [w.node, w.registry],
            [2n * UNIT, -2n * UNIT],
          );
          await expectBacked(w);
        });

        it("reverts while failures are open against the operator's steps, and works once they close", async function () {
          const w = await loadFixture(f.reported);
          await w.registry.connect(w.node).startUnbonding(BOND);
          await w.time.increase(UNBONDING_DELAY);
          await expect(w.registry.connect(w.node).withdrawBond())
            .to.be.revertedWithCustomError(w.registry, "OpenFailures")
            .withArgs(w.node.address, 1n);
          await w.registry.connect(w.stranger).assignFallback(w.failureId);
          await expect(w.registry.connect(w.node).withdrawBond())
            .to.be.revertedWithCustomError(w.registry, "OpenFailures")
            .withArgs(w.node.address, 1n);
          await w.registry.connect(w.node).compensate(w.failureId);
          await expectBond(w, w.node.address, { openFailures: 0n });
          await expect(w.registry.connect(w.node).withdrawBond())
            .to.emit(w.registry, "BondWithdrawn")
            .withArgs(w.node.address, BOND - COMPENSATION);
        });

        it("withdraws only what slashing left of the unbonding part", async function () {
          const w = await loadFixture(f.reported);
          await w.registry.connect(w.node).startUnbonding(BOND);
          await assign(w, w.failureId);
          await atDeadline(w, w.failureId, 1n);
          await w.registry.connect(w.stranger).enforce(w.failureId);
          await w.time.increase(UNBONDING_DELAY);
          await expect(w.registry.connect(w.node).withdrawBond())
            .to.emit(w.registry, "BondWithdrawn")
            .withArgs(w.node.address, BOND - COMPENSATION);
          await expectBond(w, w.node.address, { amount: 0n, unbonding: 0n });
          await expectCredits(w, [
            [w.node, BOND - COMPENSATION],
            [w.beneficiary, COMPENSATION],
            [w.reporter, REPORTER_BOND],
          ]);
          await expectBacked(w);
        });

        it("withdraws zero and credits nothing when slashing took the whole unbonding part", async function () {
          const w = await loadFixture(f.reportedLarge);
          await w.registry.connect(w.node).startUnbonding(BOND);
          await assign(w, w.failureId);
          await atDeadline(w, w.failureId, 1n);
          await w.registry.connect(w.beneficiary).enforce(w.failureId);
          await w.time.increase(UNBONDING_DELAY);
          const tx = w.registry.connect(w.node).withdrawBond();
          await expect(tx).to.emit(w.registry, "BondWithdrawn").withArgs(w.node.address, 0n);
          await expectCreditedExactly(w, tx, []);
          await expectBond(w, w.node.address, { amount: 0n, unbonding: 0n });
          await expectCredits(w, [[w.node, 0n]]);
        });
      });

      describe("reportFailure", function () {
        it("records the failure, takes the reporter bond and emits FailureReported", async function () {
          const w = await loadFixture(f.bonded);
          const stepId = (await w.registry.queryFilter(w.registry.filters.StepLogged(TRACE)))[1].args.stepId;
          const t = await nextTimestamp(w);
          const tx = sendReport(w, { index: 1 });
          await expect(tx)
            .to.emit(w.registry, "FailureReported")
            .withArgs(
              1n,
              stepId,
              w.node.address,
              TRACE,
              w.reporter.address,
              w.beneficiary.address,
              COMPENSATION,
              REPORTER_BOND,
              t + CLAIM_WINDOW,
              EVIDENCE_DIGEST,
              EVIDENCE_URI,
            );
          await w.collateral.expectBalanceChanges(
            tx,
            [w.reporter, w.registry],
            [-REPORTER_BOND, REPORTER_BOND],
          );
          await expectFailure(w, 1n, {
            traceId: TRACE,
            stepId,
            actor: w.node.address,
            state: FailureState.Reported,
            collateralFromBond: false,
            parametersVersion: 1n,
            reportedAt: t,
            reporter: w.reporter.address,
            deadline: t + CLAIM_WINDOW,
            beneficiary: w.beneficiary.address,
            accountable: ethers.ZeroAddress,
            compensation: COMPENSATION,
            reporterBond: REPORTER_BOND,
            collateral: 0n,
            shortfall: 0n,
          });
          expect(await w.registry.failureOfStep(stepId, w.reporter.address)).to.equal(1n);
          expect(await w.registry.failureCount()).to.equal(1n);
          await expectLedger(w, w.node.address, { failuresAttributed: 1n, failuresReported: 0n });
          await expectLedger(w, w.reporter.address, { failuresReported: 1n, failuresAttributed: 0n });
          await expectBond(w, w.node.address, { amount: BOND, openFailures: 1n });
          await expectTotals(w, { bonded: BOND, reporterBonds: REPORTER_BOND, staked: 0n, credits: 0n });
          await expectBacked(w);
        });

        it("numbers failures from 1, one per step, and proves the first and the last step", async function () {
          const w = await loadFixture(f.bonded);
          const stepIds = (await w.registry.queryFilter(w.registry.filters.StepLogged(TRACE))).map(
            (event) => event.args.stepId,
          );
          for (const index of [2, 0, 1]) {
            const proof = await proofOf(w, index);
            expect(proof.laterBodyHashes).to.have.length(2 - index);
            await sendReport(w, { proof });
          }
          expect(await w.registry.failureCount()).to.equal(3n);
          expect(await w.registry.failureOfStep(stepIds[2], w.reporter.address)).to.equal(1n);
          expect(await w.registry.failureOfStep(stepIds[0], w.reporter.address)).to.equal(2n);
          expect(await w.registry.failureOfStep(stepIds[1], w.reporter.address)).to.equal(3n);
          await expectBond(w, w.node.address, { openFailures: 3n });
          await expectLedger(w, w.node.address, { failuresAttributed: 3n });
        });

        it("reverts with StepProofMismatch for a proof against a stale head, and succeeds when rebuilt", async function () {
          const w = await loadFixture(f.bonded);
          const stale = await proofOf(w, 1);
          const staleHead = await w.registry.traceHead(TRACE);
          await w.registry.connect(w.node).logStep(makeStep(ethers, TRACE, 3));
          const currentHead = await w.registry.traceHead(TRACE);
          await expect(sendReport(w, { proof: stale }))
            .to.be.revertedWithCustomError(w.registry, "StepProofMismatch")
            .withArgs(TRACE, currentHead, staleHead);
          const rebuilt = await proofOf(w, 1);
          expect(rebuilt.laterBodyHashes).to.have.length(2);
          await expect(sendReport(w, { proof: rebuilt })).to.emit(w.registry, "FailureReported");
        });

        it("accepts a proof against a pinned head after a third party appended steps", async function () {
          const w = await loadFixture(f.bonded);
          const proof = await proofOf(w, 1);
          const pinned = await w.registry.traceHead(TRACE);
          await expect(w.registry.connect(w.reporter).pinTraceHead(TRACE))
            .to.emit(w.registry, "TraceHeadPinned")
            .withArgs(TRACE, pinned, w.reporter.address);
          await w.registry.connect(w.stranger).logStep(makeStep(ethers, TRACE, 7));
          expect(await w.registry.traceHead(TRACE)).to.not.equal(pinned);
          const t = await nextTimestamp(w);
          await expect(sendReport(w, { proof }))
            .to.emit(w.registry, "FailureReported")
            .withArgs(
              1n,
              anyHex,
              w.node.address,
              TRACE,
              w.reporter.address,
              w.beneficiary.address,
              COMPENSATION,
              REPORTER_BOND,
              t + CLAIM_WINDOW,
              EVIDENCE_DIGEST,
              EVIDENCE_URI,
            );
          await expectFailure(w, 1n, {
            actor: w.node.address,
            stepId: computeStepId(proof.previousHead, stepBodyHash({ ...proof, traceId: TRACE })),
          });
        });

        it("reverts with StepAlreadyReported when the same reporter reports the same step twice", async function () {
          const w = await loadFixture(f.reported);
          await expect(sendReport(w, { index: 1 }))
            .to.be.revertedWithCustomError(w.registry, "StepAlreadyReported")
            .withArgs(w.stepId, w.reporter.address, w.failureId);
        });

        it("accepts another reporter's report of the same step as a separate failure", async function () {
          const w = await loadFixture(f.reported);
          await expect(sendReport(w, { index: 1, reporter: w.stranger }))
            .to.emit(w.registry, "FailureReported")
            .withArgs(
              2n,
              w.stepId,
              w.node.address,
              TRACE,
              w.stranger.address,
              anyValue,
              anyValue,
              anyValue,
              anyValue,
              anyValue,
              anyValue,
            );
          expect(await w.registry.failureOfStep(w.stepId, w.stranger.address)).to.equal(2n);
          expect(await w.registry.failureOfStep(w.stepId, w.reporter.address)).to.equal(w.failureId);
          await expectBond(w, w.node.address, { openFailures: 2n });
        });

        it("reverts with InvalidBeneficiary when the beneficiary is the registry itself", async function () {
          const w = await loadFixture(f.bonded);
          const registryAddress = await w.registry.getAddress();
          await expect(sendReport(w, { beneficiary: registryAddress }))
            .to.be.revertedWithCustomError(w.registry, "InvalidBeneficiary")
            .withArgs(registryAddress);
        });

        it("reverts with StepProofMismatch for a step that was never logged", async function () {
          const w = await loadFixture(f.bonded);
          const proof = await proofOf(w, 1);
          const forged = { ...proof, outputDigest: ethers.id("a different output") as Hex };
          let computed = computeStepId(forged.previousHead, stepBodyHash({ ...forged, traceId: TRACE }));
          for (const later of forged.laterBodyHashes) computed = computeStepId(computed, later);
          await expect(sendReport(w, { proof: forged }))
            .to.be.revertedWithCustomError(w.registry, "StepProofMismatch")
            .withArgs(TRACE, await w.registry.traceHead(TRACE), computed);
          // The same step claimed for a trace that has none.
          await expect(sendReport(w, { proof, traceId: OTHER_TRACE }))
            .to.be.revertedWithCustomError(w.registry, "StepProofMismatch")
            .withArgs(OTHER_TRACE, ZERO_HASH, anyHex);
          // A step attributed to someone else.
          await expect(sendReport(w, { proof: { ...proof, actor: w.stranger.address } }))
            .to.be.revertedWithCustomError(w.registry, "StepProofMismatch")
            .withArgs(TRACE, await w.registry.traceHead(TRACE), anyHex);
        });

        it("reverts with ZeroTraceId when the trace id is zero", async function () {
          const w = await loadFixture(f.bonded);
          await expect(sendReport(w, { proof: await proofOf(w, 1), traceId: ZERO_HASH }))
            .to.be.revertedWithCustomError(w.registry, "ZeroTraceId")
            .withArgs(0n);
        });

        for (const { offset, allowed } of BEFORE_DEADLINE) {
          it(`${allowed ? "reports" : "reverts with ReportWindowClosed"} ${offsetLabel(offset)} (report window)`, async function () {
            const w = await loadFixture(f.bonded);
            const loggedAt = (await traceBodies(w))[1].loggedAt;
            const deadline = loggedAt + REPORT_WINDOW;
            const proof = await proofOf(w, 1);
            const stepId = (await w.registry.queryFilter(w.registry.filters.StepLogged(TRACE)))[1].args
              .stepId;
            await w.time.setNextBlockTimestamp(deadline + offset);
            const tx = sendReport(w, { proof });
            if (allowed) await expect(tx).to.emit(w.registry, "FailureReported");
            else {
              await expect(tx)
                .to.be.revertedWithCustomError(w.registry, "ReportWindowClosed")
                .withArgs(stepId, deadline, deadline + offset);
            }
          });
        }

        it("reverts when the beneficiary is the zero address", async function () {
          const w = await loadFixture(f.bonded);
          await expect(sendReport(w, { beneficiary: ethers.ZeroAddress }))
            .to.be.revertedWithCustomError(w.registry, "InvalidBeneficiary")
            .withArgs(ethers.ZeroAddress);
        });

        const CAP = 10n * UNIT;
        for (const { compensation, allowed } of [
          { compensation: 0n, allowed: false },
          { compensation: 1n, allowed: true },
          { compensation: CAP, allowed: true },
          { compensation: CAP + 1n, allowed: false },
        ]) {
          it(`${allowed ? "accepts" : "reverts with CompensationOutOfRange for"} a compensation of ${compensation} (cap ${CAP})`, async function () {
            const w = await loadFixture(f.bonded);
            const t = await nextTimestamp(w);
            const tx = sendReport(w, { compensation });
            if (allowed) {
              await expect(tx)
                .to.emit(w.registry, "FailureReported")
                .withArgs(
                  1n,
                  anyHex,
                  w.node.address,
                  TRACE,
                  w.reporter.address,
                  w.beneficiary.address,
                  compensation,
                  REPORTER_BOND,
                  t + CLAIM_WINDOW,
                  EVIDENCE_DIGEST,
                  EVIDENCE_URI,
                );
            } else {
              await expect(tx)
                .to.be.revertedWithCustomError(w.registry, "CompensationOutOfRange")
                .withArgs(compensation, CAP);
            }
          });
        }

        it("reverts when the value sent is not exactly the reporter bond (native) or not zero (ERC-20)", async function () {
          const w = await loadFixture(f.bonded);
          if (kind === "native") {
            for (const sent of [0n, REPORTER_BOND - 1n, REPORTER_BOND + 1n]) {
              await expect(sendReport(w, { overrides: { value: sent } }))
                .to.be.revertedWithCustomError(w.registry, "ValueMismatch")
                .withArgs(REPORTER_BOND, sent);
            }
          } else {
            await expect(sendReport(w, { overrides: { value: REPORTER_BOND } }))
              .to.be.revertedWithCustomError(w.registry, "UnexpectedValue")
              .withArgs(REPORTER_BOND);
          }
        });

        it("reverts while paused", async function () {
          const w = await loadFixture(f.bonded);
          await w.registry.connect(w.owner).setPaused(true);
          await expect(sendReport(w)).to.be.revertedWithCustomError(w.registry, "RegistryPaused");
        });
      });

      describe("claimResponsibility", function () {
        it("stakes the compensation and makes the claimant accountable", async function () {
          const w = await loadFixture(f.reported);
          const t = await nextTimestamp(w);
          const tx = w.registry
            .connect(w.claimant)
            .claimResponsibility(w.failureId, w.collateral.value(COMPENSATION));
          await expect(tx)
            .to.emit(w.registry, "ResponsibilityClaimed")
            .withArgs(w.failureId, w.claimant.address, COMPENSATION, t + RESOLUTION_WINDOW);
          await w.collateral.expectBalanceChanges(
            tx,
            [w.claimant, w.registry],
            [-COMPENSATION, COMPENSATION],
          );
          await expectFailure(w, w.failureId, {
            state: FailureState.Claimed,
            accountable: w.claimant.address,
            collateral: COMPENSATION,
            collateralFromBond: false,
            shortfall: 0n,
            deadline: t + RESOLUTION_WINDOW,
          });
          await expectLedger(w, w.claimant.address, { failuresClaimed: 1n });
          await expectBond(w, w.node.address, { amount: BOND, openFailures: 1n });
          await expectTotals(w, {
            bonded: BOND,
            reporterBonds: REPORTER_BOND,
            staked: COMPENSATION,
            credits: 0n,
          });
          await expectBacked(w);
        });

        itHonoursDeadline({
          action: "claims",
          window: "claim window",
          when: "by",
          fixture: f.reported,
          act: (w) =>
            w.registry.connect(w.claimant).claimResponsibility(w.failureId, w.collateral.value(COMPENSATION)),
          expectAllowed: (w, tx, timestamp) =>
            expect(tx)
              .to.emit(w.registry, "ResponsibilityClaimed")
              .withArgs(w.failureId, w.claimant.address, COMPENSATION, timestamp + RESOLUTION_WINDOW),
        });

        it("reverts for an unknown failure", async function () {
          const w = await loadFixture(f.reported);
          for (const unknown of [0n, w.failureId + 1n]) {
            await expect(
              w.registry.connect(w.claimant).claimResponsibility(unknown, w.collateral.value(COMPENSATION)),
            )
              .to.be.revertedWithCustomError(w.registry, "UnknownFailure")
              .withArgs(unknown);
          }
        });

        for (const { name, state } of [
          { name: "claimed", state: FailureState.Claimed },
          { name: "assigned", state: FailureState.Assigned },
          { name: "contestedByActor", state: FailureState.Contested },
          { name: "compensated", state: FailureState.Compensated },
        ] as const) {
          it(`reverts with FailureNotClaimable when the failure is ${name} (a second claim included)`, async function () {
            const w: FailureWorld = await loadFixture(f[name]);
            await expect(
              w.registry
                .connect(w.stranger)
                .claimResponsibility(w.failureId, w.collateral.value(COMPENSATION)),
            )
              .to.be.revertedWithCustomError(w.registry, "FailureNotClaimable")
              .withArgs(w.failureId, state);
          });
        }

        it("reverts when the value sent is not exactly the stake (native) or not zero (ERC-20)", async function () {
          const w = await loadFixture(f.reported);
          const tx = w.registry
            .connect(w.claimant)
            .claimResponsibility(w.failureId, w.collateral.wrongValue(COMPENSATION));
          if (kind === "native") {
            await expect(tx)
              .to.be.revertedWithCustomError(w.registry, "ValueMismatch")
              .withArgs(COMPENSATION, COMPENSATION - 1n);
          } else {
            await expect(tx)
              .to.be.revertedWithCustomError(w.registry, "UnexpectedValue")
              .withArgs(COMPENSATION);
          }
        });

        it("reverts while paused", async function () {
          const w = await loadFixture(f.reported);
          await w.registry.connect(w.owner).setPaused(true);
          await expect(
            w.registry.connect(w.claimant).claimResponsibility(w.failureId, w.collateral.value(COMPENSATION)),
          ).to.be.revertedWithCustomError(w.registry, "RegistryPaused");
        });

        it("lets the step's actor claim with a fresh stake, leaving its bond untouched", async function () {
          const w = await loadFixture(f.reported);
          await claim(w, w.failureId, w.node);
          await expectFailure(w, w.failureId, { accountable: w.node.address, collateralFromBond: false });
          await expectBond(w, w.node.address, { amount: BOND });
        });
      });

      describe("contest", function () {
        it("by the step's actor during the claim window: makes it accountable and locks its bond", async function () {
          const w = await loadFixture(f.reported);
          const t = await nextTimestamp(w);
          const tx = w.registry.connect(w.node).contest(w.failureId, REASON_DIGEST, REASON_URI);
          await expect(tx)
            .to.emit(w.registry, "FailureContested")
            .withArgs(
              w.failureId,
              w.node.address,
              COMPENSATION,
              0n,
              t + ARBITRATION_TIMEOUT,
              REASON_DIGEST,
              REASON_URI,
            );
          await w.collateral.expectBalanceChanges(tx, [w.node, w.registry], [0n, 0n]);
          await expectFailure(w, w.failureId, {
            state: FailureState.Contested,
            accountable: w.node.address,
            collateralFromBond: true,
            collateral: COMPENSATION,
            shortfall: 0n,
            deadline: t + ARBITRATION_TIMEOUT,
          });
          await expectBond(w, w.node.address, { amount: BOND - COMPENSATION, openFailures: 1n });
          await expectLedger(w, w.node.address, { failuresContested: 1n, failuresDefaulted: 0n });
          await expectTotals(w, {
            bonded: BOND - COMPENSATION,
            reporterBonds: REPORTER_BOND,
            staked: COMPENSATION,
            credits: 0n,
          });
          await expectBacked(w);
        });

        it("by the step's actor with a short bond: locks all of it and records the shortfall", async function () {
          const w = await loadFixture(f.reportedLarge);
          const t = await nextTimestamp(w);
          await expect(w.registry.connect(w.node).contest(w.failureId, REASON_DIGEST, ""))
            .to.emit(w.registry, "FailureContested")
            .withArgs(
              w.failureId,
              w.node.address,
              BOND,
              LARGE_COMPENSATION - BOND,
              t + ARBITRATION_TIMEOUT,
              REASON_DIGEST,
              "",
            );
          await expectFailure(w, w.failureId, { collateral: BOND, shortfall: LARGE_COMPENSATION - BOND });
          await expectBond(w, w.node.address, { amount: 0n });
        });

        itHonoursDeadline({
          action: "contests (the step's actor)",
          window: "claim window",
          when: "by",
          fixture: f.reported,
          act: (w) => w.registry.connect(w.node).contest(w.failureId, REASON_DIGEST, REASON_URI),
          expectAllowed: (w, tx, timestamp) =>
            expect(tx)
              .to.emit(w.registry, "FailureContested")
              .withArgs(
                w.failureId,
                w.node.address,
                COMPENSATION,
                0n,
                timestamp + ARBITRATION_TIMEOUT,
                REASON_DIGEST,
                REASON_URI,
              ),
        });

        it("reverts with CallerNotActor when anyone else contests a reported failure", async function () {
          const w = await loadFixture(f.reported);
          for (const caller of [w.reporter, w.beneficiary, w.claimant, w.arbiter, w.owner]) {
            await expect(w.registry.connect(caller).contest(w.failureId, REASON_DIGEST, REASON_URI))
              .to.be.revertedWithCustomError(w.registry, "CallerNotActor")
              .withArgs(w.failureId, caller.address, w.node.address);
          }
        });

        it("by the claimant during the resolution window: keeps its stake locked for the arbiter", async function () {
          const w = await loadFixture(f.claimed);
          const t = await nextTimestamp(w);
          await expect(w.registry.connect(w.claimant).contest(w.failureId, REASON_DIGEST, REASON_URI))
            .to.emit(w.registry, "FailureContested")
            .withArgs(
              w.failureId,
              w.claimant.address,
              COMPENSATION,
              0n,
              t + ARBITRATION_TIMEOUT,
              REASON_DIGEST,
              REASON_URI,
            );
          await expectFailure(w, w.failureId, {
            state: FailureState.Contested,
            accountable: w.claimant.address,
            collateralFromBond: false,
            deadline: t + ARBITRATION_TIMEOUT,
          });
          await expectLedger(w, w.claimant.address, { failuresContested: 1n });
          await expectBond(w, w.node.address, { amount: BOND });
        });

        it("by the actor of an assigned failure, repeating its locked bond and shortfall", async function () {
          const w = await loadFixture(f.assignedShort);
          const t = await nextTimestamp(w);
          await expect(w.registry.connect(w.node).contest(w.failureId, REASON_DIGEST, REASON_URI))
            .to.emit(w.registry, "FailureContested")
            .withArgs(
              w.failureId,
              w.node.address,
              BOND,
              LARGE_COMPENSATION - BOND,
              t + ARBITRATION_TIMEOUT,
              REASON_DIGEST,
              REASON_URI,
            );
          await expectLedger(w, w.node.address, { failuresContested: 1n, failuresDefaulted: 1n });
        });

        itHonoursDeadline({
          action: "contests (the accountable party)",
          window: "resolution window",
          when: "by",
          fixture: f.claimed,
          act: (w) => w.registry.connect(w.claimant).contest(w.failureId, REASON_DIGEST, REASON_URI),
          event: "FailureContested",
        });

        it("reverts with CallerNotAccountable when anyone else contests a claimed failure, the actor included", async function () {
          const w = await loadFixture(f.claimed);
          for (const caller of [w.node, w.reporter, w.beneficiary, w.stranger]) {
            await expect(w.registry.connect(caller).contest(w.failureId, REASON_DIGEST, REASON_URI))
              .to.be.revertedWithCustomError(w.registry, "CallerNotAccountable")
              .withArgs(w.failureId, caller.address, w.claimant.address);
          }
        });

        for (const { name, state, caller } of [
          { name: "contestedByActor", state: FailureState.Contested, caller: "node" },
          { name: "contestedByClaimant", state: FailureState.Contested, caller: "claimant" },
          { name: "remedyProposed", state: FailureState.RemedyProposed, caller: "claimant" },
          { name: "compensated", state: FailureState.Compensated, caller: "claimant" },
        ] as const) {
          it(`reverts with FailureNotContestable when the failure is ${name}`, async function () {
            const w: FailureWorld = await loadFixture(f[name]);
            await expect(w.registry.connect(w[caller]).contest(w.failureId, REASON_DIGEST, REASON_URI))
              .to.be.revertedWithCustomError(w.registry, "FailureNotContestable")
              .withArgs(w.failureId, state);
          });
        }

        it("reverts for an unknown failure", async function () {
          const w = await loadFixture(f.reported);
          await expect(w.registry.connect(w.node).contest(9n, REASON_DIGEST, REASON_URI))
            .to.be.revertedWithCustomError(w.registry, "UnknownFailure")
            .withArgs(9n);
        });
      });

      describe("assignFallback", function () {
        it("after the claim deadline, makes the actor accountable and locks its bond (callable by anyone)", async function () {
          const w = await loadFixture(f.reported);
          const t = await atDeadline(w, w.failureId, 1n);
          const tx = w.registry.connect(w.stranger).assignFallback(w.failureId);
          await expect(tx)
            .to.emit(w.registry, "FallbackAssigned")
            .withArgs(w.failureId, w.node.address, COMPENSATION, 0n, t + RESOLUTION_WINDOW);
          await w.collateral.expectBalanceChanges(tx, [w.node, w.stranger, w.registry], [0n, 0n, 0n]);
          await expectFailure(w, w.failureId, {
            state: FailureState.Assigned,
            accountable: w.node.address,
            collateralFromBond: true,
            collateral: COMPENSATION,
            shortfall: 0n,
            deadline: t + RESOLUTION_WINDOW,
          });
          await expectBond(w, w.node.address, { amount: BOND - COMPENSATION, openFailures: 1n });
          await expectLedger(w, w.node.address, { failuresDefaulted: 1n, failuresContested: 0n });
          await expectTotals(w, {
            bonded: BOND - COMPENSATION,
            reporterBonds: REPORTER_BOND,
            staked: COMPENSATION,
            credits: 0n,
          });
          await expectBacked(w);
        });

        itHonoursDeadline({
          action: "assigns",
          window: "claim window",
          when: "after",
          fixture: f.reported,
          act: (w) => w.registry.connect(w.stranger).assignFallback(w.failureId),
          event: "FallbackAssigned",
        });

        it("records a shortfall and never reverts when the bond is short", async function () {
          const w = await loadFixture(f.reportedLarge);
          const t = await atDeadline(w, w.failureId, 1n);
          await expect(w.registry.connect(w.stranger).assignFallback(w.failureId))
            .to.emit(w.registry, "FallbackAssigned")
            .withArgs(w.failureId, w.node.address, BOND, LARGE_COMPENSATION - BOND, t + RESOLUTION_WINDOW);
          await expectFailure(w, w.failureId, { collateral: BOND, shortfall: LARGE_COMPENSATION - BOND });
          await expectBond(w, w.node.address, { amount: 0n });
        });

        it("records the whole compensation as shortfall for an actor without a bond", async function () {
          const w = await loadFixture(f.reportedUnbonded);
          const t = await atDeadline(w, w.failureId, 1n);
          await expect(w.registry.connect(w.stranger).assignFallback(w.failureId))
            .to.emit(w.registry, "FallbackAssigned")
            .withArgs(w.failureId, w.node2.address, 0n, COMPENSATION, t + RESOLUTION_WINDOW);
          await expectFailure(w, w.failureId, {
            state: FailureState.Assigned,
            accountable: w.node2.address,
            collateral: 0n,
            shortfall: COMPENSATION,
          });
        });

        it("locks the unbonding part of the bond too", async function () {
          const w = await loadFixture(f.reported);
          await w.registry.connect(w.node).startUnbonding(BOND);
          await assign(w, w.failureId);
          await expectFailure(w, w.failureId, { collateral: COMPENSATION, shortfall: 0n });
          await expectBond(w, w.node.address, { amount: BOND - COMPENSATION, unbonding: BOND });
        });

        for (const { name, state } of [
          { name: "claimed", state: FailureState.Claimed },
          { name: "assigned", state: FailureState.Assigned },
          { name: "contestedByActor", state: FailureState.Contested },
        ] as const) {
          it(`reverts with FailureNotAssignable when the failure is ${name} (a second fallback included)`, async function () {
            const w: FailureWorld = await loadFixture(f[name]);
            await w.time.increase(30n * DAY);
            await expect(w.registry.connect(w.stranger).assignFallback(w.failureId))
              .to.be.revertedWithCustomError(w.registry, "FailureNotAssignable")
              .withArgs(w.failureId, state);
          });
        }

        it("reverts for an unknown failure", async function () {
          const w = await loadFixture(f.reported);
          await expect(w.registry.assignFallback(0n))
            .to.be.revertedWithCustomError(w.registry, "UnknownFailure")
            .withArgs(0n);
        });
      });

      describe("collectShortfall", function () {
        it("locks bond added after the fallback behind the failure, up to its shortfall (anyone)", async function () {
          const w = await loadFixture(f.assignedShort); // bond 5 locked, shortfall 2
          await bond(w, w.node, UNIT);
          const tx = w.registry.connect(w.stranger).collectShortfall(w.failureId);
          await expect(tx)
            .to.emit(w.registry, "ShortfallCollected")
            .withArgs(w.failureId, w.node.address, UNIT, LARGE_COMPENSATION - BOND - UNIT);
          await w.collateral.expectBalanceChanges(tx, [w.node, w.stranger, w.registry], [0n, 0n, 0n]);
          await expectFailure(w, w.failureId, {
            collateral: BOND + UNIT,
            shortfall: LARGE_COMPENSATION - BOND - UNIT,
          });
          await expectBond(w, w.node.address, { amount: 0n, openFailures: 1n });
          await expectTotals(w, {
            bonded: 0n,
            reporterBonds: REPORTER_BOND,
            staked: BOND + UNIT,
            credits: 0n,
          });
          // A bigger top-up fills the rest of the shortfall and no more.
          await bond(w, w.node, 5n * UNIT);
          expect(await w.registry.connect(w.stranger).collectShortfall.staticCall(w.failureId)).to.equal(
            UNIT,
          );
          await (await w.registry.connect(w.stranger).collectShortfall(w.failureId)).wait();
          await expectFailure(w, w.failureId, { collateral: LARGE_COMPENSATION, shortfall: 0n });
          await expectBond(w, w.node.address, { amount: 4n * UNIT });
          await expectBacked(w);
        });

        it("pays the collected collateral when the failure is enforced, leaving no unbacked shortfall", async function () {
          const w = await loadFixture(f.assignedShort);
          await bond(w, w.node, 2n * UNIT);
          await (await w.registry.connect(w.beneficiary).collectShortfall(w.failureId)).wait();
          await atDeadline(w, w.failureId, 1n);
          await expect(w.registry.connect(w.stranger).enforce(w.failureId))
            .to.emit(w.registry, "FailureClosed")
            .withArgs(w.failureId, FailureState.Enforced, w.node.address, LARGE_COMPENSATION, 0n);
          await expectLedger(w, w.node.address, { amountSlashed: LARGE_COMPENSATION, unbackedShortfall: 0n });
          await expectCredits(w, [[w.beneficiary, LARGE_COMPENSATION]]);
        });

        it("applies to a failure its actor contested and to one with a remedy proposed (nothing short here)", async function () {
          for (const fixture of [f.contestedByActor, f.assignedRemedyProposed]) {
            const w = await loadFixture(fixture);
            const failure = await w.registry.failure(w.failureId);
            expect(failure.collateralFromBond).to.equal(true);
            expect(failure.shortfall).to.equal(0n);
            await expect(w.registry.collectShortfall(w.failureId))
              .to.be.revertedWithCustomError(w.registry, "NothingToCollect")
              .withArgs(w.failureId, 0n, BOND - COMPENSATION);
          }
        });

        it("reverts with NothingToCollect when the actor has no free bond", async function () {
          const w = await loadFixture(f.assignedShort);
          await expect(w.registry.connect(w.stranger).collectShortfall(w.failureId))
            .to.be.revertedWithCustomError(w.registry, "NothingToCollect")
            .withArgs(w.failureId, LARGE_COMPENSATION - BOND, 0n);
        });

        it("reverts with FailureNotCollectable for a staked, a reported and a closed failure", async function () {
          for (const [fixture, state, fromBond] of [
            [f.claimed, FailureState.Claimed, false],
            [f.reported, FailureState.Reported, false],
            [f.compensated, FailureState.Compensated, false],
          ] as const) {
            const w = await loadFixture(fixture);
            await expect(w.registry.connect(w.stranger).collectShortfall(w.failureId))
              .to.be.revertedWithCustomError(w.registry, "FailureNotCollectable")
              .withArgs(w.failureId, state, fromBond);
          }
        });

        it("reverts with UnknownFailure for an id never reported", async function () {
          const w = await loadFixture(f.bonded);
          await expect(w.registry.collectShortfall(99n))
            .to.be.revertedWithCustomError(w.registry, "UnknownFailure")
            .withArgs(99n);
        });
      });

      describe("compensate", function () {
        it("by a claimant: credits its stake to the beneficiary and the bond back to the reporter", async function () {
          const w = await loadFixture(f.claimed);
          const tx = w.registry.connect(w.claimant).compensate(w.failureId);
          await expect(tx)
            .to.emit(w.registry, "FailureClosed")
            .withArgs(w.failureId, FailureState.Compensated, w.claimant.address, COMPENSATION, 0n);
          await expectCreditedExactly(w, tx, [
            [w.beneficiary, w.failureId, CreditReason.Compensation, COMPENSATION],
            [w.reporter, w.failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
          ]);
          await w.collateral.expectBalanceChanges(tx, [w.claimant, w.beneficiary, w.registry], [0n, 0n, 0n]);
          await expectFailure(w, w.failureId, { state: FailureState.Compensated, collateral: COMPENSATION });
          await expectLedger(w, w.claimant.address, {
            failuresCompensated: 1n,
            amountPaid: COMPENSATION,
            amountSlashed: 0n,
            unbackedShortfall: 0n,
          });
          await expectLedger(w, w.beneficiary.address, { amountReceived: COMPENSATION });
          await expectBond(w, w.node.address, { amount: BOND, openFailures: 0n });
          await expectTotals(w, {
            bonded: BOND,
            reporterBonds: 0n,
            staked: 0n,
            credits: COMPENSATION + REPORTER_BOND,
          });
          await expectCredits(w, [
            [w.beneficiary, COMPENSATION],
            [w.reporter, REPORTER_BOND],
            [w.claimant, 0n],
          ]);
          await expectBacked(w);
        });

        it("by the assigned actor: pays from its locked bond and records the slash", async function () {
          const w = await loadFixture(f.assigned);
          const tx = w.registry.connect(w.node).compensate(w.failureId);
          await expect(tx)
            .to.emit(w.registry, "FailureClosed")
            .withArgs(w.failureId, FailureState.Compensated, w.node.address, COMPENSATION, 0n);
          await expectCreditedExactly(w, tx, [
            [w.beneficiary, w.failureId, CreditReason.Compensation, COMPENSATION],
            [w.reporter, w.failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
          ]);
          await expectLedger(w, w.node.address, {
            failuresCompensated: 1n,
            failuresDefaulted: 1n,
            amountPaid: COMPENSATION,
            amountSlashed: COMPENSATION,
          });
          await expectBond(w, w.node.address, { amount: BOND - COMPENSATION, openFailures: 0n });
          await expectBacked(w);
        });

        it("reverts with ShortfallOutstanding while part of the compensation is unbacked", async function () {
          const w = await loadFixture(f.assignedShort);
          await expect(w.registry.connect(w.node).compensate(w.failureId))
            .to.be.revertedWithCustomError(w.registry, "ShortfallOutstanding")
            .withArgs(w.failureId, LARGE_COMPENSATION - BOND);
          await expectFailure(w, w.failureId, {
            state: FailureState.Assigned,
            shortfall: LARGE_COMPENSATION - BOND,
          });
        });

        it("locks a top-up for the shortfall first, then pays the whole compensation", async function () {
          const w = await loadFixture(f.assignedShort);
          await bond(w, w.node, LARGE_COMPENSATION - BOND);
          const tx = w.registry.connect(w.node).compensate(w.failureId);
          await expect(tx)
            .to.emit(w.registry, "ShortfallCollected")
            .withArgs(w.failureId, w.node.address, LARGE_COMPENSATION - BOND, 0n);
          await expect(tx)
            .to.emit(w.registry, "FailureClosed")
            .withArgs(w.failureId, FailureState.Compensated, w.node.address, LARGE_COMPENSATION, 0n);
          await expectCreditedExactly(w, tx, [
            [w.beneficiary, w.failureId, CreditReason.Compensation, LARGE_COMPENSATION],
            [w.reporter, w.failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
          ]);
          await expectLedger(w, w.node.address, {
            amountPaid: LARGE_COMPENSATION,
            amountSlashed: LARGE_COMPENSATION,
            unbackedShortfall: 0n,
          });
          await expectBond(w, w.node.address, { amount: 0n, openFailures: 0n });
          await expectBacked(w);
        });

        it("reverts for an actor with nothing locked and no bond", async function () {
          const w = await loadFixture(f.reportedUnbonded);
          await assign(w, w.failureId);
          await expect(w.registry.connect(w.node2).compensate(w.failureId))
            .to.be.revertedWithCustomError(w.registry, "ShortfallOutstanding")
            .withArgs(w.failureId, COMPENSATION);
        });

        itHonoursDeadline({
          action: "compensates",
          window: "resolution window",
          when: "by",
          fixture: f.claimed,
          act: (w) => w.registry.connect(w.claimant).compensate(w.failureId),
        });

        it("reverts with CallerNotAccountable for anyone but the accountable party", async function () {
          const w = await loadFixture(f.claimed);
          for (const caller of [w.node, w.reporter, w.beneficiary, w.stranger]) {
            await expect(w.registry.connect(caller).compensate(w.failureId))
              .to.be.revertedWithCustomError(w.registry, "CallerNotAccountable")
              .withArgs(w.failureId, caller.address, w.claimant.address);
          }
        });

        for (const { name, state } of [
          { name: "reported", state: FailureState.Reported },
          { name: "contestedByClaimant", state: FailureState.Contested },
          { name: "remedyProposed", state: FailureState.RemedyProposed },
          { name: "compensated", state: FailureState.Compensated },
        ] as const) {
          it(`reverts with FailureNotResolvable when the failure is ${name}`, async function () {
            const w: FailureWorld = await loadFixture(f[name]);
            await expect(w.registry.connect(w.claimant).compensate(w.failureId))
              .to.be.revertedWithCustomError(w.registry, "FailureNotResolvable")
              .withArgs(w.failureId, state);
          });
        }

        it("reverts for an unknown failure", async function () {
          const w = await loadFixture(f.claimed);
          await expect(w.registry.connect(w.claimant).compensate(5n))
            .to.be.revertedWithCustomError(w.registry, "UnknownFailure")
            .withArgs(5n);
        });
      });

      describe("proposeRemedy", function () {
        for (const name of ["claimed", "assigned"] as const) {
          it(`opens the remedy window for the beneficiary (${name})`, async function () {
            const w: FailureWorld = await loadFixture(f[name]);
            const accountable = name === "claimed" ? w.claimant : w.node;
            const t = await nextTimestamp(w);
            const tx = w.registry.connect(accountable).proposeRemedy(w.failureId, REMEDY_DIGEST, REMEDY_URI);
            await expect(tx)
              .to.emit(w.registry, "RemedyProposed")
              .withArgs(w.failureId, accountable.address, REMEDY_DIGEST, REMEDY_URI, t + REMEDY_WINDOW);
            await expectCreditedExactly(w, tx, []);
            await expectFailure(w, w.failureId, {
              state: FailureState.RemedyProposed,
              accountable: accountable.address,
              collateral: COMPENSATION,
              deadline: t + REMEDY_WINDOW,
            });
            await expectTotals(w, {
              bonded: name === "claimed" ? BOND : BOND - COMPENSATION,
              reporterBonds: REPORTER_BOND,
              staked: COMPENSATION,
              credits: 0n,
            });
          });
        }

        itHonoursDeadline({
          action: "proposes",
          window: "resolution window",
          when: "by",
          fixture: f.assigned,
          act: (w) => w.registry.connect(w.node).proposeRemedy(w.failureId, REMEDY_DIGEST, REMEDY_URI),
          event: "RemedyProposed",
        });

        it("reverts with CallerNotAccountable for anyone but the accountable party", async function () {
          const w = await loadFixture(f.assigned);
          for (const caller of [w.claimant, w.reporter, w.beneficiary, w.stranger]) {
            await expect(w.registry.connect(caller).proposeRemedy(w.failureId, REMEDY_DIGEST, REMEDY_URI))
              .to.be.revertedWithCustomError(w.registry, "CallerNotAccountable")
              .withArgs(w.failureId, caller.address, w.node.address);
          }
        });

        for (const { name, state } of [
          { name: "reported", state: FailureState.Reported },
          { name: "remedyProposed", state: FailureState.RemedyProposed },
          { name: "contestedByClaimant", state: FailureState.Contested },
        ] as const) {
          it(`reverts with FailureNotResolvable when the failure is ${name}`, async function () {
            const w: FailureWorld = await loadFixture(f[name]);
            await expect(w.registry.connect(w.claimant).proposeRemedy(w.failureId, REMEDY_DIGEST, REMEDY_URI))
              .to.be.revertedWithCustomError(w.registry, "FailureNotResolvable")
              .withArgs(w.failureId, state);
          });
        }
      });

      describe("acceptRemedy", function () {
        it("closes as Remedied: the stake returns to the claimant and the bond to the reporter", async function () {
          const w = await loadFixture(f.remedyProposed);
          const tx = w.registry.connect(w.beneficiary).acceptRemedy(w.failureId);
          await expect(tx).to.emit(w.registry, "RemedyAccepted").withArgs(w.failureId, w.beneficiary.address);
          await expect(tx)
            .to.emit(w.registry, "FailureClosed")
            .withArgs(w.failureId, FailureState.Remedied, w.claimant.address, 0n, 0n);
          await expectCreditedExactly(w, tx, [
            [w.claimant, w.failureId, CreditReason.StakeReturned, COMPENSATION],
            [w.reporter, w.failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
          ]);
          await expectFailure(w, w.failureId, { state: FailureState.Remedied });
          await expectLedger(w, w.claimant.address, { failuresRemedied: 1n, amountPaid: 0n });
          await expectLedger(w, w.beneficiary.address, { amountReceived: 0n });
          await expectTotals(w, {
            bonded: BOND,
            reporterBonds: 0n,
            staked: 0n,
            credits: COMPENSATION + REPORTER_BOND,
          });
          await expectBacked(w);
        });

        it("closes as Remedied: a locked bond is restored to the actor", async function () {
          const w = await loadFixture(f.assignedRemedyProposed);
          const tx = w.registry.connect(w.beneficiary).acceptRemedy(w.failureId);
          await expect(tx)
            .to.emit(w.registry, "BondRestored")
            .withArgs(w.node.address, w.failureId, COMPENSATION);
          await expectCreditedExactly(w, tx, [
            [w.reporter, w.failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
          ]);
          await expectBond(w, w.node.address, { amount: BOND, openFailures: 0n });
          await expectLedger(w, w.node.address, { failuresRemedied: 1n, amountSlashed: 0n });
          await expectBacked(w);
        });

        itHonoursDeadline({
          action: "accepts",
          window: "remedy window",
          when: "by",
          fixture: f.remedyProposed,
          act: (w) => w.registry.connect(w.beneficiary).acceptRemedy(w.failureId),
          event: "RemedyAccepted",
        });

        it("reverts with CallerNotBeneficiary for anyone but the beneficiary", async function () {
          const w = await loadFixture(f.remedyProposed);
          for (const caller of [w.claimant, w.reporter, w.node, w.stranger]) {
            await expect(w.registry.connect(caller).acceptRemedy(w.failureId))
              .to.be.revertedWithCustomError(w.registry, "CallerNotBeneficiary")
              .withArgs(w.failureId, caller.address, w.beneficiary.address);
          }
        });

        it("reverts with NoRemedyProposed before a proposal and after closing", async function () {
          const w = await loadFixture(f.claimed);
          await expect(w.registry.connect(w.beneficiary).acceptRemedy(w.failureId))
            .to.be.revertedWithCustomError(w.registry, "NoRemedyProposed")
            .withArgs(w.failureId, FailureState.Claimed);
          await proposeRemedy(w, w.failureId, w.claimant);
          await w.registry.connect(w.beneficiary).acceptRemedy(w.failureId);
          await expect(w.registry.connect(w.beneficiary).acceptRemedy(w.failureId))
            .to.be.revertedWithCustomError(w.registry, "NoRemedyProposed")
            .withArgs(w.failureId, FailureState.Remedied);
          await expect(w.registry.connect(w.beneficiary).acceptRemedy(7n))
            .to.be.revertedWithCustomError(w.registry, "UnknownFailure")
            .withArgs(7n);
        });
      });

      describe("rejectRemedy", function () {
        it("sends the failure to the arbiter with a fresh arbitration deadline", async function () {
          const w = await loadFixture(f.remedyProposed);
          const t = await nextTimestamp(w);
          const tx = w.registry.connect(w.beneficiary).rejectRemedy(w.failureId);
          await expect(tx)
            .to.emit(w.registry, "RemedyRejected")
            .withArgs(w.failureId, w.beneficiary.address, t + ARBITRATION_TIMEOUT);
          await expectCreditedExactly(w, tx, []);
          await expectFailure(w, w.failureId, {
            state: FailureState.Contested,
            accountable: w.claimant.address,
            deadline: t + ARBITRATION_TIMEOUT,
          });
          await expect(w.registry.connect(w.arbiter).rule(w.failureId, Ruling.Valid))
            .to.emit(w.registry, "FailureClosed")
            .withArgs(w.failureId, FailureState.RuledValid, w.claimant.address, COMPENSATION, 0n);
        });

        itHonoursDeadline({
          action: "rejects",
          window: "remedy window",
          when: "by",
          fixture: f.remedyProposed,
          act: (w) => w.registry.connect(w.beneficiary).rejectRemedy(w.failureId),
          event: "RemedyRejected",
        });

        it("reverts with CallerNotBeneficiary for anyone but the beneficiary", async function () {
          const w = await loadFixture(f.remedyProposed);
          for (const caller of [w.claimant, w.reporter, w.arbiter]) {
            await expect(w.registry.connect(caller).rejectRemedy(w.failureId))
              .to.be.revertedWithCustomError(w.registry, "CallerNotBeneficiary")
              .withArgs(w.failureId, caller.address, w.beneficiary.address);
          }
        });

        it("reverts with NoRemedyProposed when no remedy is pending", async function () {
          const w = await loadFixture(f.contestedByClaimant);
          await expect(w.registry.connect(w.beneficiary).rejectRemedy(w.failureId))
            .to.be.revertedWithCustomError(w.registry, "NoRemedyProposed")
            .withArgs(w.failureId, FailureState.Contested);
        });
      });

      describe("finalizeRemedy", function () {
        it("after a silent remedy window, closes as Remedied (callable by anyone)", async function () {
          const w = await loadFixture(f.remedyProposed);
          await atDeadline(w, w.failureId, 1n);
          const tx = w.registry.connect(w.stranger).finalizeRemedy(w.failureId);
          await expect(tx)
            .to.emit(w.registry, "FailureClosed")
            .withArgs(w.failureId, FailureState.Remedied, w.claimant.address, 0n, 0n);
          await expectCreditedExactly(w, tx, [
            [w.claimant, w.failureId, CreditReason.StakeReturned, COMPENSATION],
            [w.reporter, w.failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
          ]);
          await expectLedger(w, w.claimant.address, { failuresRemedied: 1n });
          await expectBacked(w);
        });

        itHonoursDeadline({
          action: "finalizes",
          window: "remedy window",
          when: "after",
          fixture: f.assignedRemedyProposed,
          act: (w) => w.registry.connect(w.stranger).finalizeRemedy(w.failureId),
          expectAllowed: (w, tx) =>
            expect(tx)
              .to.emit(w.registry, "BondRestored")
              .withArgs(w.node.address, w.failureId, COMPENSATION),
        });

        it("reverts with NoRemedyProposed when no remedy is pending", async function () {
          const w = await loadFixture(f.claimed);
          await expect(w.registry.connect(w.stranger).finalizeRemedy(w.failureId))
            .to.be.revertedWithCustomError(w.registry, "NoRemedyProposed")
            .withArgs(w.failureId, FailureState.Claimed);
        });
      });

      describe("enforce", function () {
        it("after a resolution window with nothing done, pays the claimant's stake (callable by anyone)", async function () {
          const w = await loadFixture(f.claimed);
          await atDeadline(w, w.failureId, 1n);
          const tx = w.registry.connect(w.stranger).enforce(w.failureId);
          await expect(tx)
            .to.emit(w.registry, "FailureClosed")
            .withArgs(w.failureId, FailureState.Enforced, w.claimant.address, COMPENSATION, 0n);
          await expectCreditedExactly(w, tx, [
            [w.beneficiary, w.failureId, CreditReason.Compensation, COMPENSATION],
            [w.reporter, w.failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
          ]);
          await expectLedger(w, w.claimant.address, {
            failuresEnforced: 1n,
            amountPaid: COMPENSATION,
            amountSlashed: 0n,
          });
          await expectBacked(w);
        });

        it("with a shortfall, lets only the beneficiary close it until the unbonding delay has passed", async function () {
          const w = await loadFixture(f.assignedShort);
          const deadline = await atDeadline(w, w.failureId, 1n);
          for (const caller of [w.stranger, w.node, w.reporter]) {
            await expect(w.registry.connect(caller).enforce(w.failureId))
              .to.be.revertedWithCustomError(w.registry, "ShortfallOutstanding")
              .withArgs(w.failureId, LARGE_COMPENSATION - BOND);
          }
          // At deadline + unbonding delay still only the beneficiary; one second later anyone.
          const openToAll = deadline - 1n + UNBONDING_DELAY;
          await w.time.setNextBlockTimestamp(openToAll);
          await expect(w.registry.connect(w.stranger).enforce(w.failureId)).to.be.revertedWithCustomError(
            w.registry,
            "ShortfallOutstanding",
          );
          await w.time.setNextBlockTimestamp(openToAll + 1n);
          await expect(w.registry.connect(w.stranger).enforce(w.failureId))
            .to.emit(w.registry, "FailureClosed")
            .withArgs(w.failureId, FailureState.Enforced, w.node.address, BOND, LARGE_COMPENSATION - BOND);
        });

        it("locks free bond for the shortfall before paying, so anyone may then enforce", async function () {
          const w = await loadFixture(f.assignedShort);
          await bond(w, w.node, 3n * UNIT);
          await atDeadline(w, w.failureId, 1n);
          const tx = w.registry.connect(w.stranger).enforce(w.failureId);
          await expect(tx)
            .to.emit(w.registry, "ShortfallCollected")
            .withArgs(w.failureId, w.node.address, LARGE_COMPENSATION - BOND, 0n);
          await expect(tx)
            .to.emit(w.registry, "FailureClosed")
            .withArgs(w.failureId, FailureState.Enforced, w.node.address, LARGE_COMPENSATION, 0n);
          await expectBond(w, w.node.address, { amount: 3n * UNIT - (LARGE_COMPENSATION - BOND) });
          await expectBacked(w);
        });

        it("slashes the assigned actor's locked bond and records the shortfall", async function () {
          const w = await loadFixture(f.assignedShort);
          await atDeadline(w, w.failureId, 1n);
          await expect(w.registry.connect(w.beneficiary).enforce(w.failureId))
            .to.emit(w.registry, "FailureClosed")
            .withArgs(w.failureId, FailureState.Enforced, w.node.address, BOND, LARGE_COMPENSATION - BOND);
          await expectLedger(w, w.node.address, {
            failuresDefaulted: 1n,
            failuresEnforced: 1n,
            amountPaid: BOND,
            amountSlashed: BOND,
            unbackedShortfall: LARGE_COMPENSATION - BOND,
          });
          await expectCredits(w, [[w.beneficiary, BOND]]);
          await expectTotals(w, { bonded: 0n, reporterBonds: 0n, staked: 0n, credits: BOND + REPORTER_BOND });
        });

        itHonoursDeadline({
          action: "enforces",
          window: "resolution window",
          when: "after",
          fixture: f.assigned,
          act: (w) => w.registry.connect(w.stranger).enforce(w.failureId),
        });

        for (const { name, state } of [
          { name: "reported", state: FailureState.Reported },
          { name: "contestedByActor", state: FailureState.Contested },
          { name: "remedyProposed", state: FailureState.RemedyProposed },
          { name: "compensated", state: FailureState.Compensated },
        ] as const) {
          it(`reverts with FailureNotResolvable when the failure is ${name}, whatever the time`, async function () {
            const w: FailureWorld = await loadFixture(f[name]);
            await w.time.increase(30n * DAY);
            await expect(w.registry.connect(w.stranger).enforce(w.failureId))
              .to.be.revertedWithCustomError(w.registry, "FailureNotResolvable")
              .withArgs(w.failureId, state);
          });
        }
      });

      describe("rule", function () {
        it("Valid locks free bond for a bond-backed failure's shortfall before paying", async function () {
          const w = await loadFixture(f.reportedLarge);
          await contest(w, w.failureId, w.node); // locks the whole bond, shortfall 2 units
          await bond(w, w.node, UNIT);
          const tx = w.registry.connect(w.arbiter).rule(w.failureId, Ruling.Valid);
          await expect(tx)
            .to.emit(w.registry, "ShortfallCollected")
            .withArgs(w.failureId, w.node.address, UNIT, LARGE_COMPENSATION - BOND - UNIT);
          await expect(tx)
            .to.emit(w.registry, "FailureClosed")
            .withArgs(
              w.failureId,
              FailureState.RuledValid,
              w.node.address,
              BOND + UNIT,
              LARGE_COMPENSATION - BOND - UNIT,
            );
          await expectCredits(w, [[w.beneficiary, BOND + UNIT]]);
          await expectBacked(w);
        });

        const contested = [
          { by: "claimant", fixture: "contestedByClaimant" },
          { by: "actor", fixture: "contestedByActor" },
        ] as const;

        for (const { by, fixture } of contested) {
          it(`Valid (contested by the ${by}): pays the beneficiary and returns the reporter's bond`, async function () {
            const w: FailureWorld = await loadFixture(f[fixture]);
            const accountable = by === "claimant" ? w.claimant : w.node;
            const tx = w.registry.connect(w.arbiter).rule(w.failureId, Ruling.Valid);
            await expect(tx)
              .to.emit(w.registry, "ArbitrationRuled")
              .withArgs(w.failureId, w.arbiter.address, Ruling.Valid);
            await expect(tx)
              .to.emit(w.registry, "FailureClosed")
              .withArgs(w.failureId, FailureState.RuledValid, accountable.address, COMPENSATION, 0n);
            await expectCreditedExactly(w, tx, [
              [w.beneficiary, w.failureId, CreditReason.Compensation, COMPENSATION],
              [w.reporter, w.failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
            ]);
            await expectLedger(w, accountable.address, {
              failuresRuledValid: 1n,
              amountPaid: COMPENSATION,
              amountSlashed: by === "actor" ? COMPENSATION : 0n,
            });
            await expectBond(w, w.node.address, {
              amount: by === "actor" ? BOND - COMPENSATION : BOND,
              openFailures: 0n,
            });
            await expectBacked(w);
          });

          it(`Invalid (contested by the ${by}): awards the reporter's bond to the actor less the treasury share`, async function () {
            const w: FailureWorld = await loadFixture(f[fixture]);
            const accountable = by === "claimant" ? w.claimant : w.node;
            const tx = w.registry.connect(w.arbiter).rule(w.failureId, Ruling.Invalid);
            await expect(tx)
              .to.emit(w.registry, "ArbitrationRuled")
              .withArgs(w.failureId, w.arbiter.address, Ruling.Invalid);
            await expect(tx)
              .to.emit(w.registry, "FailureClosed")
              .withArgs(w.failureId, FailureState.RuledInvalid, accountable.address, 0n, 0n);
            if (by === "claimant") {
              await expectCreditedExactly(w, tx, [
                [w.claimant, w.failureId, CreditReason.StakeReturned, COMPENSATION],
                [w.node, w.failureId, CreditReason.ReporterBondAwarded, AWARD],
                [w.treasury, w.failureId, CreditReason.TreasuryShare, TREASURY_SHARE],
              ]);
            } else {
              await expect(tx)
                .to.emit(w.registry, "BondRestored")
                .withArgs(w.node.address, w.failureId, COMPENSATION);
              await expectCreditedExactly(w, tx, [
                [w.node, w.failureId, CreditReason.ReporterBondAwarded, AWARD],
                [w.treasury, w.failureId, CreditReason.TreasuryShare, TREASURY_SHARE],
              ]);
            }
            await expectLedger(w, accountable.address, { failuresRuledInvalid: 1n, amountPaid: 0n });
            await expectLedger(w, w.node.address, { amountReceived: AWARD });
            await expectLedger(w, w.reporter.address, { reporterBondsForfeited: REPORTER_BOND });
            await expectCredits(w, [
              [w.reporter, 0n],
              [w.beneficiary, 0n],
            ]);
            await expectBond(w, w.node.address, { amount: BOND, openFailures: 0n });
            await expectBacked(w);
          });

          it(`Refused (contested by the ${by}): draws, everything returns`, async function () {
            const w: FailureWorld = await loadFixture(f[fixture]);
            const accountable = by === "claimant" ? w.claimant : w.node;
            const tx = w.registry.connect(w.arbiter).rule(w.failureId, Ruling.Refused);
            await expect(tx)
              .to.emit(w.registry, "ArbitrationRuled")
              .withArgs(w.failureId, w.arbiter.address, Ruling.Refused);
            await expect(tx)
              .to.emit(w.registry, "FailureClosed")
              .withArgs(w.failureId, FailureState.Drawn, accountable.address, 0n, 0n);
            await expectCreditedExactly(w, tx, [
              ...(by === "claimant"
                ? [
                    [w.claimant, w.failureId, CreditReason.StakeReturned, COMPENSATION] as [
                      Signer,
                      bigint,
                      bigint,
                      bigint,
                    ],
                  ]
                : []),
              [w.reporter, w.failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
            ]);
            await expectLedger(w, accountable.address, { failuresDrawn: 1n });
            await expectBond(w, w.node.address, { amount: BOND, openFailures: 0n });
            await expectBacked(w);
          });
        }

        it("Invalid and Refused with nothing locked (an unbonded actor contested): nothing to restore", async function () {
          for (const ruling of [Ruling.Invalid, Ruling.Refused]) {
            const w = await loadFixture(f.reportedUnbonded);
            await contest(w, w.failureId, w.node2);
            await expectFailure(w, w.failureId, { collateral: 0n, shortfall: COMPENSATION });
            const tx = w.registry.connect(w.arbiter).rule(w.failureId, ruling);
            await expect(tx).to.not.emit(w.registry, "BondRestored");
            await expectCreditedExactly(
              w,
              tx,
              ruling === Ruling.Invalid
                ? [
                    [w.node2, w.failureId, CreditReason.ReporterBondAwarded, AWARD],
                    [w.treasury, w.failureId, CreditReason.TreasuryShare, TREASURY_SHARE],
                  ]
                : [[w.reporter, w.failureId, CreditReason.ReporterBondReturned, REPORTER_BOND]],
            );
            await expectBond(w, w.node2.address, { amount: 0n, openFailures: 0n });
            await expectBacked(w);
          }
        });

        it("reverts with InvalidRuling for a ruling of None", async function () {
          const w = await loadFixture(f.contestedByClaimant);
          await expect(w.registry.connect(w.arbiter).rule(w.failureId, Ruling.None))
            .to.be.revertedWithCustomError(w.registry, "InvalidRuling")
            .withArgs(Ruling.None);
        });

        it("reverts with CallerNotArbiter for anyone but the failure's arbiter", async function () {
          const w = await loadFixture(f.contestedByClaimant);
          for (const caller of [w.owner, w.treasury, w.node, w.claimant, w.reporter, w.beneficiary]) {
            await expect(w.registry.connect(caller).rule(w.failureId, Ruling.Valid))
              .to.be.revertedWithCustomError(w.registry, "CallerNotArbiter")
              .withArgs(w.failureId, caller.address, w.arbiter.address);
          }
        });

        for (const { ruling, state } of [
          { ruling: Ruling.Valid, state: FailureState.RuledValid },
          { ruling: Ruling.Invalid, state: FailureState.RuledInvalid },
          { ruling: Ruling.Refused, state: FailureState.Drawn },
        ]) {
          it(`reverts with FailureNotContested when ruling a second time (first ruling ${ruling})`, async function () {
            const w = await loadFixture(f.contestedByActor);
            await w.registry.connect(w.arbiter).rule(w.failureId, ruling);
            for (const second of [Ruling.Valid, Ruling.Invalid, Ruling.Refused]) {
              await expect(w.registry.connect(w.arbiter).rule(w.failureId, second))
                .to.be.revertedWithCustomError(w.registry, "FailureNotContested")
                .withArgs(w.failureId, state);
            }
          });
        }

        itHonoursDeadline({
          action: "rules",
          window: "arbitration timeout",
          when: "by",
          fixture: f.contestedByClaimant,
          act: (w) => w.registry.connect(w.arbiter).rule(w.failureId, Ruling.Valid),
          event: "ArbitrationRuled",
        });

        for (const { name, state } of [
          { name: "reported", state: FailureState.Reported },
          { name: "claimed", state: FailureState.Claimed },
          { name: "remedyProposed", state: FailureState.RemedyProposed },
        ] as const) {
          it(`reverts with FailureNotContested when the failure is ${name}`, async function () {
            const w: FailureWorld = await loadFixture(f[name]);
            await expect(w.registry.connect(w.arbiter).rule(w.failureId, Ruling.Valid))
              .to.be.revertedWithCustomError(w.registry, "FailureNotContested")
              .withArgs(w.failureId, state);
          });
        }

        it("reverts for an unknown failure", async function () {
          const w = await loadFixture(f.contestedByClaimant);
          await expect(w.registry.connect(w.arbiter).rule(2n, Ruling.Valid))
            .to.be.revertedWithCustomError(w.registry, "UnknownFailure")
            .withArgs(2n);
        });
      });

      describe("expireArbitration", function () {
        it("after a silent arbitration timeout, draws the failure (callable by anyone)", async function () {
          const w = await loadFixture(f.contestedByClaimant);
          await atDeadline(w, w.failureId, 1n);
          const tx = w.registry.connect(w.stranger).expireArbitration(w.failureId);
          await expect(tx)
            .to.emit(w.registry, "FailureClosed")
            .withArgs(w.failureId, FailureState.Drawn, w.claimant.address, 0n, 0n);
          await expect(tx).to.not.emit(w.registry, "ArbitrationRuled");
          await expectCreditedExactly(w, tx, [
            [w.claimant, w.failureId, CreditReason.StakeReturned, COMPENSATION],
            [w.reporter, w.failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
          ]);
          await expectLedger(w, w.claimant.address, { failuresDrawn: 1n });
          await expectBacked(w);
        });

        itHonoursDeadline({
          action: "expires",
          window: "arbitration timeout",
          when: "after",
          fixture: f.contestedByActor,
          act: (w) => w.registry.connect(w.stranger).expireArbitration(w.failureId),
          expectAllowed: (w, tx) =>
            expect(tx)
              .to.emit(w.registry, "BondRestored")
              .withArgs(w.node.address, w.failureId, COMPENSATION),
        });

        it("reverts with FailureNotContested when the failure is not contested", async function () {
          const w = await loadFixture(f.claimed);
          await w.time.increase(30n * DAY);
          await expect(w.registry.connect(w.stranger).expireArbitration(w.failureId))
            .to.be.revertedWithCustomError(w.registry, "FailureNotContested")
            .withArgs(w.failureId, FailureState.Claimed);
        });
      });

      describe("withdraw", function () {
        it("pays all of the caller's credits and emits Withdrawn", async function () {
          const w = await loadFixture(f.compensated);
          const tx = w.registry.connect(w.beneficiary).withdraw(w.beneficiary.address);
          await expect(tx)
            .to.emit(w.registry, "Withdrawn")
            .withArgs(w.beneficiary.address, w.beneficiary.address, COMPENSATION);
          await w.collateral.expectBalanceChanges(
            tx,
            [w.beneficiary, w.registry],
            [COMPENSATION, -COMPENSATION],
          );
          await expectCredits(w, [
            [w.beneficiary, 0n],
            [w.reporter, REPORTER_BOND],
          ]);
          await expectTotals(w, { bonded: BOND, reporterBonds: 0n, staked: 0n, credits: REPORTER_BOND });
          await expectBacked(w);
        });

        it("pays to another recipient", async function () {
          const w = await loadFixture(f.compensated);
          const tx = w.registry.connect(w.reporter).withdraw(w.stranger.address);
          await expect(tx)
            .to.emit(w.registry, "Withdrawn")
            .withArgs(w.reporter.address, w.stranger.address, REPORTER_BOND);
          await w.collateral.expectBalanceChanges(
            tx,
            [w.reporter, w.stranger, w.registry],
            [0n, REPORTER_BOND, -REPORTER_BOND],
          );
        });

        it("reverts with NoCredit without credits and after withdrawing", async function () {
          const w = await loadFixture(f.compensated);
          await expect(w.registry.connect(w.stranger).withdraw(w.stranger.address))
            .to.be.revertedWithCustomError(w.registry, "NoCredit")
            .withArgs(w.stranger.address);
          await withdrawAll(w, w.beneficiary);
          await expect(w.registry.connect(w.beneficiary).withdraw(w.beneficiary.address))
            .to.be.revertedWithCustomError(w.registry, "NoCredit")
            .withArgs(w.beneficiary.address);
        });

        it("reverts with InvalidRecipient for the zero address", async function () {
          const w = await loadFixture(f.compensated);
          await expect(w.registry.connect(w.beneficiary).withdraw(ethers.ZeroAddress))
            .to.be.revertedWithCustomError(w.registry, "InvalidRecipient")
            .withArgs(ethers.ZeroAddress);
        });

        if (kind === "native") {
          it("reverts with NativeTransferFailed when the recipient refuses the currency, keeping the credit", async function () {
            const w = await loadFixture(f.compensated);
            await expect(w.registry.connect(w.beneficiary).withdraw(w.address))
              .to.be.revertedWithCustomError(w.registry, "NativeTransferFailed")
              .withArgs(w.address, COMPENSATION);
            await expectCredits(w, [[w.beneficiary, COMPENSATION]]);
          });
        }
      });

      describe("setParameters", function () {
        it("stores a new version, emits ParametersUpdated and keeps the old one readable", async function () {
          const w = await loadFixture(f.bonded);
          const next = {
            ...w.parameters,
            reporterBond: 3n * REPORTER_BOND,
            claimWindow: 10n * DAY,
            unbondingDelay: 30n * DAY,
            arbiter: w.stranger.address,
          };
          await expect(w.registry.connect(w.owner).setParameters(next))
            .to.emit(w.registry, "ParametersUpdated")
            .withArgs(2n, Object.values(next));
          const [current, version] = await w.registry.parameters();
          expect(version).to.equal(2n);
          expect(parametersObject(current)).to.deep.equal(next);
          expect(parametersObject(await w.registry.parametersAt(1))).to.deep.equal(w.parameters);
        });

        it("rejects a reporter bond whose treasury share would round down to zero", async function () {
          const w = await loadFixture(f.bonded);
          const tiny = { ...w.parameters, reporterBond: 9n, treasuryShareBps: 1_000n };
          await expect(w.registry.connect(w.owner).setParameters(tiny))
            .to.be.revertedWithCustomError(w.registry, "ParameterOutOfBounds")
            .withArgs("reporterBond", 9n, 10n, 2n ** 128n - 1n);
          await expect(w.registry.connect(w.owner).setParameters({ ...tiny, reporterBond: 10n })).to.emit(
            w.registry,
            "ParametersUpdated",
          );
          await expect(
            w.registry.connect(w.owner).setParameters({ ...tiny, reporterBond: 1n, treasuryShareBps: 0n }),
          ).to.emit(w.registry, "ParametersUpdated");
        });

        it("reverts for anyone but the owner", async function () {
          const w = await loadFixture(f.bonded);
          await expect(w.registry.connect(w.arbiter).setParameters(w.parameters))
            .to.be.revertedWithCustomError(w.registry, "OwnableUnauthorizedAccount")
            .withArgs(w.arbiter.address);
        });

        it("keeps the version, windows, bond and arbiter of failures already reported", async function () {
          const w = await loadFixture(f.reported);
          const before = await w.registry.failure(w.failureId);
          const next = {
            ...w.parameters,
            reporterBond: 2n * REPORTER_BOND,
            reportWindow: 20n * DAY,
            claimWindow: 10n * DAY,
            resolutionWindow: 10n * DAY,
            remedyWindow: 10n * DAY,
            arbitrationTimeout: 10n * DAY,
            unbondingDelay: 60n * DAY,
            treasuryShareBps: 5_000n,
            arbiter: w.stranger.address,
            treasury: w.node2.address,
          };
          await w.registry.connect(w.owner).setParameters(next);
          await expectFailure(w, w.failureId, {
            parametersVersion: 1n,
            deadline: before.deadline,
            reporterBond: REPORTER_BOND,
          });
          const claimedAt = await nextTimestamp(w);
          await claim(w, w.failureId);
          await expectFailure(w, w.failureId, { deadline: claimedAt + RESOLUTION_WINDOW });
          const contestedAt = await nextTimestamp(w);
          await contest(w, w.failureId, w.claimant);
          await expectFailure(w, w.failureId, { deadline: contestedAt + ARBITRATION_TIMEOUT });
          await expect(w.registry.connect(w.stranger).rule(w.failureId, Ruling.Invalid))
            .to.be.revertedWithCustomError(w.registry, "CallerNotArbiter")
            .withArgs(w.failureId, w.stranger.address, w.arbiter.address);
          const tx = w.registry.connect(w.arbiter).rule(w.failureId, Ruling.Invalid);
          await expectCreditedExactly(w, tx, [
            [w.claimant, w.failureId, CreditReason.StakeReturned, COMPENSATION],
            [w.node, w.failureId, CreditReason.ReporterBondAwarded, AWARD],
            [w.treasury, w.failureId, CreditReason.TreasuryShare, TREASURY_SHARE],
          ]);

          // A failure reported now uses version 2.
          const reportedAt = await nextTimestamp(w);
          const { failureId } = await report(w, { index: 2 });
          await expectFailure(w, failureId, {
            parametersVersion: 2n,
            reporterBond: 2n * REPORTER_BOND,
            deadline: reportedAt + 10n * DAY,
          });
          await expectBacked(w);
        });

        const MIN_WINDOW = 3600n;
        const MAX_WINDOW = 90n * DAY;
        const MAX_REPORT_WINDOW = 365n * DAY;
        const MAX_UNBONDING_DELAY = 730n * DAY;
        const MAX_UINT128 = 2n ** 128n - 1n;
        const WINDOWS_SUM = 17n * DAY; // of the default parameters
        for (const { name, value, minimum, maximum } of [
          { name: "reporterBond", value: 0n, minimum: 1n, maximum: MAX_UINT128 },
          { name: "compensationCap", value: 0n, minimum: 1n, maximum: MAX_UINT128 },
          { name: "reportWindow", value: MIN_WINDOW - 1n, minimum: MIN_WINDOW, maximum: MAX_REPORT_WINDOW },
          {
            name: "reportWindow",
            value: MAX_REPORT_WINDOW + 1n,
            minimum: MIN_WINDOW,
            maximum: MAX_REPORT_WINDOW,
          },
          { name: "claimWindow", value: MIN_WINDOW - 1n, minimum: MIN_WINDOW, maximum: MAX_WINDOW },
          { name: "claimWindow", value: MAX_WINDOW + 1n, minimum: MIN_WINDOW, maximum: MAX_WINDOW },
          { name: "resolutionWindow", value: MIN_WINDOW - 1n, minimum: MIN_WINDOW, maximum: MAX_WINDOW },
          { name: "resolutionWindow", value: MAX_WINDOW + 1n, minimum: MIN_WINDOW, maximum: MAX_WINDOW },
          { name: "remedyWindow", value: MIN_WINDOW - 1n, minimum: MIN_WINDOW, maximum: MAX_WINDOW },
          { name: "remedyWindow", value: MAX_WINDOW + 1n, minimum: MIN_WINDOW, maximum: MAX_WINDOW },
          { name: "arbitrationTimeout", value: MIN_WINDOW - 1n, minimum: MIN_WINDOW, maximum: MAX_WINDOW },
          { name: "arbitrationTimeout", value: MAX_WINDOW + 1n, minimum: MIN_WINDOW, maximum: MAX_WINDOW },
          {
            name: "unbondingDelay",
            value: WINDOWS_SUM - 1n,
            minimum: WINDOWS_SUM,
            maximum: MAX_UNBONDING_DELAY,
          },
          {
            name: "unbondingDelay",
            value: MAX_UNBONDING_DELAY + 1n,
            minimum: WINDOWS_SUM,
            maximum: MAX_UNBONDING_DELAY,
          },
          { name: "treasuryShareBps", value: 10_001n, minimum: 0n, maximum: 10_000n },
        ] as const) {
          it(`reverts with ParameterOutOfBounds when ${name} is ${value} (bounds ${minimum}..${maximum})`, async function () {
            const w = await loadFixture(f.bonded);
            await expect(w.registry.connect(w.owner).setParameters({ ...w.parameters, [name]: value }))
              .to.be.revertedWithCustomError(w.registry, "ParameterOutOfBounds")
              .withArgs(name, value, minimum, maximum);
          });
        }

        for (const name of ["arbiter", "treasury"] as const) {
          it(`reverts with ZeroAddressParameter when the ${name} is zero`, async function () {
            const w = await loadFixture(f.bonded);
            await expect(
              w.registry.connect(w.owner).setParameters({ ...w.parameters, [name]: ethers.ZeroAddress }),
            )
              .to.be.revertedWithCustomError(w.registry, "ZeroAddressParameter")
              .withArgs(name);
          });
        }

        it("accepts every bound itself", async function () {
          const w = await loadFixture(f.bonded);
          const smallest = {
            ...w.parameters,
            reporterBond: 1n,
            compensationCap: 1n,
            reportWindow: MIN_WINDOW,
            claimWindow: MIN_WINDOW,
            resolutionWindow: MIN_WINDOW,
            remedyWindow: MIN_WINDOW,
            arbitrationTimeout: MIN_WINDOW,
            unbondingDelay: 5n * MIN_WINDOW,
            treasuryShareBps: 0n,
          };
          const largest = {
            ...w.parameters,
            reporterBond: MAX_UINT128,
            compensationCap: MAX_UINT128,
            reportWindow: MAX_REPORT_WINDOW,
            claimWindow: MAX_WINDOW,
            resolutionWindow: MAX_WINDOW,
            remedyWindow: MAX_WINDOW,
            arbitrationTimeout: MAX_WINDOW,
            unbondingDelay: MAX_UNBONDING_DELAY,
            treasuryShareBps: 10_000n,
          };
          await expect(w.registry.connect(w.owner).setParameters(smallest))
            .to.emit(w.registry, "ParametersUpdated")
            .withArgs(2n, Object.values(smallest));
          await expect(w.registry.connect(w.owner).setParameters(largest))
            .to.emit(w.registry, "ParametersUpdated")
            .withArgs(3n, Object.values(largest));
        });
      });

      describe("setMinimumOperatorBond", function () {
        it("sets the minimum and emits MinimumOperatorBondUpdated; existing bonds stay", async function () {
          const w = await loadFixture(f.bonded);
          await expect(w.registry.connect(w.owner).setMinimumOperatorBond(10n * UNIT))
            .to.emit(w.registry, "MinimumOperatorBondUpdated")
            .withArgs(0n, 10n * UNIT);
          expect(await w.registry.minimumOperatorBond()).to.equal(10n * UNIT);
          await expectBond(w, w.node.address, { amount: BOND });
          await expect(w.registry.connect(w.node).bond(UNIT, w.collateral.value(UNIT)))
            .to.be.revertedWithCustomError(w.registry, "BondBelowMinimum")
            .withArgs(BOND + UNIT, 10n * UNIT);
          await expect(w.registry.connect(w.owner).setMinimumOperatorBond(0n))
            .to.emit(w.registry, "MinimumOperatorBondUpdated")
            .withArgs(10n * UNIT, 0n);
        });

        it("reverts for anyone but the owner", async function () {
          const w = await loadFixture(f.bonded);
          await expect(w.registry.connect(w.node).setMinimumOperatorBond(0n))
            .to.be.revertedWithCustomError(w.registry, "OwnableUnauthorizedAccount")
            .withArgs(w.node.address);
        });
      });

      describe("setPaused", function () {
        it("pauses and resumes new reports and claims", async function () {
          const w = await loadFixture(f.reported);
          await expect(w.registry.connect(w.owner).setPaused(true))
            .to.emit(w.registry, "PauseSet")
            .withArgs(true);
          expect(await w.registry.paused()).to.equal(true);
          await expect(sendReport(w, { index: 2 })).to.be.revertedWithCustomError(
            w.registry,
            "RegistryPaused",
          );
          await expect(
            w.registry.connect(w.claimant).claimResponsibility(w.failureId, w.collateral.value(COMPENSATION)),
          ).to.be.revertedWithCustomError(w.registry, "RegistryPaused");
          await expect(w.registry.connect(w.owner).setPaused(false))
            .to.emit(w.registry, "PauseSet")
            .withArgs(false);
          expect(await w.registry.paused()).to.equal(false);
          await expect(sendReport(w, { index: 2 })).to.emit(w.registry, "FailureReported");
          await expect(
            w.registry.connect(w.claimant).claimResponsibility(w.failureId, w.collateral.value(COMPENSATION)),
          ).to.emit(w.registry, "ResponsibilityClaimed");
        });

        it("reverts for anyone but the owner", async function () {
          const w = await loadFixture(f.bonded);
          await expect(w.registry.connect(w.stranger).setPaused(true))
            .to.be.revertedWithCustomError(w.registry, "OwnableUnauthorizedAccount")
            .withArgs(w.stranger.address);
        });

        type PausedCase = {
          action: string;
          fixture: keyof Fixtures;
          run: (w: FailureWorld) => Promise<unknown>;
          event: string;
        };
        const neverPaused: PausedCase[] = [
          {
            action: "a contest by the actor",
            fixture: "reported",
            run: (w) => contest(w, w.failureId, w.node),
            event: "FailureContested",
          },
          {
            action: "the fallback",
            fixture: "reported",
            run: (w) => assign(w, w.failureId),
            event: "FallbackAssigned",
          },
          {
            action: "compensate",
            fixture: "claimed",
            run: async (w) => (await w.registry.connect(w.claimant).compensate(w.failureId)).wait(),
            event: "FailureClosed",
          },
          {
            action: "proposeRemedy",
            fixture: "assigned",
            run: (w) => proposeRemedy(w, w.failureId, w.node),
            event: "RemedyProposed",
          },
          {
            action: "acceptRemedy",
            fixture: "remedyProposed",
            run: async (w) => (await w.registry.connect(w.beneficiary).acceptRemedy(w.failureId)).wait(),
            event: "RemedyAccepted",
          },
          {
            action: "rejectRemedy",
            fixture: "remedyProposed",
            run: async (w) => (await w.registry.connect(w.beneficiary).rejectRemedy(w.failureId)).wait(),
            event: "RemedyRejected",
          },
          {
            action: "finalizeRemedy",
            fixture: "remedyProposed",
            run: async (w) => {
              await atDeadline(w, w.failureId, 1n);
              return (await w.registry.finalizeRemedy(w.failureId)).wait();
            },
            event: "FailureClosed",
          },
          {
            action: "enforce",
            fixture: "claimed",
            run: async (w) => {
              await atDeadline(w, w.failureId, 1n);
              return (await w.registry.enforce(w.failureId)).wait();
            },
            event: "FailureClosed",
          },
          {
            action: "rule",
            fixture: "contestedByClaimant",
            run: async (w) => (await w.registry.connect(w.arbiter).rule(w.failureId, Ruling.Valid)).wait(),
            event: "ArbitrationRuled",
          },
          {
            action: "expireArbitration",
            fixture: "contestedByActor",
            run: async (w) => {
              await atDeadline(w, w.failureId, 1n);
              return (await w.registry.expireArbitration(w.failureId)).wait();
            },
            event: "FailureClosed",
          },
          {
            action: "withdraw",
            fixture: "compensated",
            run: (w) => withdrawAll(w, w.beneficiary),
            event: "Withdrawn",
          },
          {
            action: "bond",
            fixture: "reported",
            run: (w) => bond(w, w.node, UNIT),
            event: "Bonded",
          },
          {
            action: "startUnbonding and withdrawBond",
            fixture: "compensated",
            run: async (w) => {
              await (await w.registry.connect(w.node).startUnbonding(UNIT)).wait();
              await w.time.increase(UNBONDING_DELAY);
              return (await w.registry.connect(w.node).withdrawBond()).wait();
            },
            event: "BondWithdrawn",
          },
        ];
        for (const { action, fixture, run, event } of neverPaused) {
          it(`never pauses ${action}`, async function () {
            const w: FailureWorld = await loadFixture(f[fixture] as () => Promise<FailureWorld>);
            await w.registry.connect(w.owner).setPaused(true);
            const fromBlock = await ethers.provider.getBlockNumber();
            await run(w);
            const logs = await ethers.provider.getLogs({ address: w.address, fromBlock: fromBlock + 1 });
            const names = logs.map((log) => w.registry.interface.parseLog(log)?.name);
            expect(names).to.include(event);
            await expectBacked(w);
          });
        }
      });
    });
  }

  describe("ownership (Ownable2Step)", function () {
    async function deployed() {
      return deployWorld(connection);
    }

    it("transfers ownership in two steps", async function () {
      const w = await loadFixture(deployed);
      await expect(w.registry.connect(w.owner).transferOwnership(w.node2.address))
        .to.emit(w.registry, "OwnershipTransferStarted")
        .withArgs(w.owner.address, w.node2.address);
      expect(await w.registry.owner()).to.equal(w.owner.address);
      expect(await w.registry.pendingOwner()).to.equal(w.node2.address);
      await expect(w.registry.connect(w.stranger).acceptOwnership())
        .to.be.revertedWithCustomError(w.registry, "OwnableUnauthorizedAccount")
        .withArgs(w.stranger.address);
      await expect(w.registry.connect(w.node2).acceptOwnership())
        .to.emit(w.registry, "OwnershipTransferred")
        .withArgs(w.owner.address, w.node2.address);
      expect(await w.registry.owner()).to.equal(w.node2.address);
      expect(await w.registry.pendingOwner()).to.equal(ethers.ZeroAddress);
      await expect(w.registry.connect(w.owner).setPaused(true))
        .to.be.revertedWithCustomError(w.registry, "OwnableUnauthorizedAccount")
        .withArgs(w.owner.address);
      await expect(w.registry.connect(w.node2).setPaused(true))
        .to.emit(w.registry, "PauseSet")
        .withArgs(true);
    });

    it("reverts with OwnableUnauthorizedAccount for every admin function called by a non-owner", async function () {
      const w = await loadFixture(deployed);
      const calls = [
        () => w.registry.connect(w.stranger).setParameters(w.parameters),
        () => w.registry.connect(w.stranger).setMinimumOperatorBond(1n),
        () => w.registry.connect(w.stranger).setPaused(true),
        () => w.registry.connect(w.stranger).transferOwnership(w.stranger.address),
        () => w.registry.connect(w.stranger).renounceOwnership(),
      ];
      for (const call of calls) {
        await expect(call())
          .to.be.revertedWithCustomError(w.registry, "OwnableUnauthorizedAccount")
          .withArgs(w.stranger.address);
      }
    });
  });

  describe("constructor and views", function () {
    it("records the collateral asset of each kind", async function () {
      const native = await deployWorld(connection, { collateral: "native" });
      expect(await native.registry.collateralToken()).to.equal(ethers.ZeroAddress);
      const erc20 = await deployWorld(connection, { collateral: "erc20" });
      expect(await erc20.registry.collateralToken()).to.equal(await erc20.collateral.token!.getAddress());
    });

    it("reverts with InvalidCollateralToken for a token address without code", async function () {
      const [owner, arbiter, treasury, eoa] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("ResponsibilityRegistry");
      await expect(
        factory.deploy(
          eoa.address,
          defaultParameters(arbiter.address, treasury.address),
          false,
          0n,
          owner.address,
        ),
      )
        .to.be.revertedWithCustomError(factory, "InvalidCollateralToken")
        .withArgs(eoa.address);
    });

    it("checks the initial parameters against the same bounds", async function () {
      const [owner, arbiter, treasury] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("ResponsibilityRegistry");
      const parameters = { ...defaultParameters(arbiter.address, treasury.address), claimWindow: 1n };
      await expect(factory.deploy(ethers.ZeroAddress, parameters, false, 0n, owner.address))
        .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
        .withArgs("claimWindow", 1n, 3600n, 90n * DAY);
    });

    it("never reverts on unknown ids and returns zeros", async function () {
      const { registry } = await deployRegistry(ethers);
      const unknown = await registry.failure(12345n);
      expect(unknown.state).to.equal(FailureState.None);
      expect(unknown.actor).to.equal(ethers.ZeroAddress);
      expect((await registry.parametersAt(99)).arbiter).to.equal(ethers.ZeroAddress);
      expect(await registry.failureOfStep(ethers.id("nothing"), ethers.ZeroAddress)).to.equal(0n);
      expect(await registry.failureCount()).to.equal(0n);
      expect((await registry.ledgerOf(ethers.ZeroAddress)).failuresAttributed).to.equal(0n);
      expect((await registry.bondOf(ethers.ZeroAddress)).amount).to.equal(0n);
      expect(await registry.creditOf(ethers.ZeroAddress)).to.equal(0n);
      expect(await registry.gatedLogging()).to.equal(false);
    });
  });
});
