import { expect } from "chai";
import { network } from "hardhat";
import { buildStepProof, mutableTypes, registryDomain, type StepInput } from "../sdk/hashing.js";
import {
  assign,
  atDeadline,
  bond,
  claim,
  COLLATERAL_KINDS,
  contest,
  CreditReason,
  DEFAULT_COMPENSATION,
  deployWorld,
  expectBacked,
  expectBond,
  expectCreditedExactly,
  expectCredits,
  expectFailure,
  expectLedger,
  expectTotals,
  FailureState,
  liabilities,
  logTrace,
  proofOf,
  proposeRemedy,
  REASON_DIGEST,
  REASON_URI,
  report,
  Ruling,
  sendReport,
  TRACE,
  traceBodies,
  UNIT,
  withdrawAll,
  type CollateralKind,
  type Signer,
  type World,
} from "./helpers/failures.js";
import { anyHex, anyUint, anyValue } from "./helpers/matchers.js";
import { DAY, makeStep } from "./helpers/registry.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture } = networkHelpers;

const BOND = 5n * UNIT;
const COMPENSATION = DEFAULT_COMPENSATION; // 2 units
const REPORTER_BOND = 10n ** 16n;
const TREASURY_SHARE = REPORTER_BOND / 10n;
const AWARD = REPORTER_BOND - TREASURY_SHARE;
const REPORT_WINDOW = 7n * DAY;
const RESOLUTION_WINDOW = 2n * DAY;
const ARBITRATION_TIMEOUT = 4n * DAY;
const UNBONDING_DELAY = 17n * DAY;

/** A registry of `kind` collateral with the node bonded BOND and a four-step trace logged. */
async function bondedWorld(kind: CollateralKind, token?: string): Promise<World> {
  const world = await deployWorld(connection, { collateral: kind, token });
  await bond(world, world.node, BOND);
  await logTrace(world, world.node, 4);
  return world;
}

const BONDED: Record<CollateralKind, () => Promise<World>> = {
  native: async function nativeBonded() {
    return bondedWorld("native");
  },
  erc20: async function erc20Bonded() {
    return bondedWorld("erc20");
  },
};

/** Step 1 reported and contested by its actor (bond locked), native collateral. */
async function contestedByActor() {
  const world = await bondedWorld("native");
  const { failureId } = await report(world);
  await contest(world, failureId, world.node);
  return { ...world, failureId };
}

/** The selector of one of the registry's errors. */
function errorSelector(world: World, name: string): string {
  const fragment = world.registry.interface.getError(name);
  if (fragment === null) throw new Error(`no error ${name}`);
  return fragment.selector;
}

/** Whether a transaction succeeds (mined with status 1). */
async function succeeds(send: () => Promise<{ wait(): Promise<unknown> }>): Promise<boolean> {
  try {
    await (await send()).wait();
    return true;
  } catch {
    return false;
  }
}

describe("ResponsibilityRegistry — attacks and bad input", function () {
  describe("reentrancy", function () {
    async function receiverWorld() {
      const world = await bondedWorld("native");
      const receiver = await ethers.deployContract("ReentrantReceiver", [world.address]);
      const { failureId } = await report(world, { beneficiary: await receiver.getAddress() });
      await claim(world, failureId);
      await (await world.registry.connect(world.claimant).compensate(failureId)).wait();
      return { ...world, receiver, failureId };
    }

    it("reentrancy through the native transfer in withdraw is refused; the credit is paid exactly once", async function () {
      const w = await loadFixture(receiverWorld);
      const receiverAddress = await w.receiver.getAddress();
      await expectCredits(w, [[receiverAddress, COMPENSATION]]);

      // Bubbling the refused re-entry makes the native transfer fail; the credit stays.
      await w.receiver.setReentry(
        w.registry.interface.encodeFunctionData("withdraw", [receiverAddress]),
        true,
      );
      await expect(w.receiver.withdrawCredits())
        .to.be.revertedWithCustomError(w.registry, "NativeTransferFailed")
        .withArgs(receiverAddress, COMPENSATION);
      await expectCredits(w, [[receiverAddress, COMPENSATION]]);

      // Swallowing it: the outer withdrawal pays once, the inner one was stopped by the guard.
      await w.receiver.setReentry(
        w.registry.interface.encodeFunctionData("withdraw", [receiverAddress]),
        false,
      );
      const tx = w.receiver.withdrawCredits();
      await expect(tx)
        .to.emit(w.registry, "Withdrawn")
        .withArgs(receiverAddress, receiverAddress, COMPENSATION);
      await w.collateral.expectBalanceChanges(tx, [w.receiver, w.registry], [COMPENSATION, -COMPENSATION]);
      expect(await w.receiver.reentryAttempts()).to.equal(1n);
      expect(await w.receiver.lastReentrySucceeded()).to.equal(false);
      expect(await w.receiver.lastReentryResult()).to.equal(errorSelector(w, "ReentrancyGuardReentrantCall"));
      await expectCredits(w, [[receiverAddress, 0n]]);
      await expectBacked(w);
    });

    async function callbackTokenWorld() {
      const token = await ethers.deployContract("ReentrantCallbackToken");
      const world = await bondedWorld("erc20", await token.getAddress());
      const { failureId } = await report(world);
      await claim(world, failureId);
      await (await world.registry.connect(world.claimant).compensate(failureId)).wait();
      const { failureId: openId } = await report(world, { index: 2 });
      return { ...world, token, failureId, openId };
    }

    it("reentrancy through a callback token is refused in every value-moving function", async function () {
      const w = await loadFixture(callbackTokenWorld);
      const guard = errorSelector(w, "ReentrancyGuardReentrantCall");
      const iface = w.registry.interface;
      const proof = await proofOf(w, 3);
      const reentries = [
        iface.encodeFunctionData("withdraw", [w.beneficiary.address]),
        iface.encodeFunctionData("bond", [1n]),
        iface.encodeFunctionData("withdrawBond"),
        iface.encodeFunctionData("reportFailure", [
          {
            traceId: TRACE,
            beneficiary: w.beneficiary.address,
            compensation: 1n,
            evidenceDigest: REASON_DIGEST,
            evidenceUri: "",
          },
          proof,
        ]),
        iface.encodeFunctionData("claimResponsibility", [w.openId]),
        iface.encodeFunctionData("contest", [w.openId, REASON_DIGEST, REASON_URI]),
        iface.encodeFunctionData("assignFallback", [w.openId]),
        iface.encodeFunctionData("compensate", [w.openId]),
        iface.encodeFunctionData("enforce", [w.openId]),
        iface.encodeFunctionData("rule", [w.openId, Ruling.Valid]),
        iface.encodeFunctionData("expireArbitration", [w.openId]),
      ];
      // Re-entry from transferFrom (a bond top-up) into each guarded function.
      for (const data of reentries) {
        await w.token.arm(w.address, data, false);
        await bond(w, w.node2, 1n);
        expect(await w.token.lastCallbackSucceeded()).to.equal(false);
        expect(await w.token.lastCallbackResult()).to.equal(guard);
      }
      // Bubbled, the refusal reverts the whole bond.
      await w.token.arm(w.address, reentries[0], true);
      await expect(w.registry.connect(w.node2).bond(1n)).to.be.revertedWithCustomError(
        w.registry,
        "ReentrancyGuardReentrantCall",
      );

      // Re-entry from transfer (a withdrawal): the credit is paid once.
      await w.token.arm(w.address, reentries[0], false);
      const tx = w.registry.connect(w.beneficiary).withdraw(w.beneficiary.address);
      await w.collateral.expectBalanceChanges(tx, [w.beneficiary, w.registry], [COMPENSATION, -COMPENSATION]);
      expect(await w.token.lastCallbackResult()).to.equal(guard);
      await expectCredits(w, [[w.beneficiary, 0n]]);
      await expectFailure(w, w.openId, { state: FailureState.Reported });
      await expectBacked(w);
    });
  });

  describe("tokens that are not plain ERC-20s", function () {
    it("fee-on-transfer tokens are refused with TransferAmountMismatch", async function () {
      for (const feeBps of [100n, 10_000n]) {
        const token = await ethers.deployContract("FeeOnTransferToken", [feeBps]);
        const w = await deployWorld(connection, { token: await token.getAddress() });
        const fee = (amount: bigint) => (amount * feeBps) / 10_000n;
        await expect(w.registry.connect(w.node).bond(UNIT))
          .to.be.revertedWithCustomError(w.registry, "TransferAmountMismatch")
          .withArgs(UNIT, UNIT - fee(UNIT));
        await logTrace(w, w.node, 2);
        await expect(sendReport(w))
          .to.be.revertedWithCustomError(w.registry, "TransferAmountMismatch")
          .withArgs(REPORTER_BOND, REPORTER_BOND - fee(REPORTER_BOND));
        await expectTotals(w, { bonded: 0n, reporterBonds: 0n, staked: 0n, credits: 0n });
        expect(await token.balanceOf(w.address)).to.equal(0n);
      }
    });

    it("rebasing tokens: a positive rebase leaves a surplus (accounting unchanged), a negative one leaves the last withdrawer short", async function () {
      const token = await ethers.deployContract("RebasingToken");
      const w = await bondedWorld("erc20", await token.getAddress());
      const { failureId } = await report(w);
      await claim(w, failureId);
      await (await w.registry.connect(w.claimant).compensate(failureId)).wait();
      const owed = await liabilities(w);
      expect(owed).to.equal(BOND + COMPENSATION + REPORTER_BOND);
      await expectBacked(w);

      // Doubling every balance doubles what the registry holds; what it owes does not move.
      await token.rebase(2n * UNIT);
      expect(await token.balanceOf(w.address)).to.equal(2n * owed);
      expect(await liabilities(w)).to.equal(owed);
      await w.collateral.expectBalanceChanges(
        w.registry.connect(w.beneficiary).withdraw(w.beneficiary.address),
        [w.beneficiary, w.registry],
        [COMPENSATION, -COMPENSATION],
      );
      await expectBacked(w, owed); // the surplus stays in the contract, owned by nobody

      // Shrinking balances to a quarter leaves the registry holding less than it owes.
      await token.rebase(UNIT / 4n);
      const held = await token.balanceOf(w.address);
      expect(held).to.be.lessThan(await liabilities(w));
      await withdrawAll(w, w.reporter); // 0.01: still covered
      await w.registry.connect(w.node).startUnbonding(BOND);
      await w.time.increase(UNBONDING_DELAY);
      await w.registry.connect(w.node).withdrawBond();
      await expect(w.registry.connect(w.node).withdraw(w.node.address)).to.be.revertedWithCustomError(
        token,
        "RebasingTokenInsufficientBalance",
      );
      await expectCredits(w, [[w.node, BOND]]);
    });

    it("no-return-value tokens work through SafeERC20 for the whole life cycle", async function () {
      const token = await ethers.deployContract("NoReturnValueToken");
      const w = await bondedWorld("erc20", await token.getAddress());
      const { failureId } = await report(w);
      await assign(w, failureId);
      await (await w.registry.connect(w.node).compensate(failureId)).wait();
      await w.collateral.expectBalanceChanges(
        w.registry.connect(w.beneficiary).withdraw(w.beneficiary.address),
        [w.beneficiary, w.registry],
        [COMPENSATION, -COMPENSATION],
      );
      await withdrawAll(w, w.reporter);
      await expectTotals(w, { bonded: BOND - COMPENSATION, reporterBonds: 0n, staked: 0n, credits: 0n });
      await expectBacked(w);
    });

    it("false-returning tokens revert with SafeERC20FailedOperation, keeping every balance and credit", async function () {
      const token = await ethers.deployContract("FalseReturningToken");
      const tokenAddress = await token.getAddress();
      const w = await bondedWorld("erc20", tokenAddress);
      await token.setFailing(true);
      await expect(w.registry.connect(w.node2).bond(UNIT))
        .to.be.revertedWithCustomError(w.registry, "SafeERC20FailedOperation")
        .withArgs(tokenAddress);
      await expect(sendReport(w))
        .to.be.revertedWithCustomError(w.registry, "SafeERC20FailedOperation")
        .withArgs(tokenAddress);
      await token.setFailing(false);
      const { failureId } = await report(w);
      await claim(w, failureId);
      await (await w.registry.connect(w.claimant).compensate(failureId)).wait();
      await token.setFailing(true);
      await expect(w.registry.connect(w.beneficiary).withdraw(w.beneficiary.address))
        .to.be.revertedWithCustomError(w.registry, "SafeERC20FailedOperation")
        .withArgs(tokenAddress);
      await expectCredits(w, [[w.beneficiary, COMPENSATION]]);
      await token.setFailing(false);
      await withdrawAll(w, w.beneficiary);
      await expectBacked(w);
    });

    it("revert-on-zero-transfer tokens: the registry never moves zero tokens, even for empty payouts", async function () {
      const token = await ethers.deployContract("RevertOnZeroTransferToken");
      const w = await bondedWorld("erc20", await token.getAddress());
      // Zero amounts are refused by the registry before the token is called.
      await expect(w.registry.connect(w.node).bond(0n)).to.be.revertedWithCustomError(
        w.registry,
        "ZeroAmount",
      );
      await expect(w.registry.connect(w.stranger).withdraw(w.stranger.address))
        .to.be.revertedWithCustomError(w.registry, "NoCredit")
        .withArgs(w.stranger.address);
      // A failure of an unbonded actor pays nothing to the beneficiary: no zero credit, no zero transfer.
      const other = ethers.id("unbonded trace");
      await logTrace(w, w.node2, 1, other);
      const { failureId } = await report(w, { traceId: other, index: 0 });
      await assign(w, failureId);
      await atDeadline(w, failureId, 1n);
      const tx = w.registry.connect(w.beneficiary).enforce(failureId);
      await expectCreditedExactly(w, tx, [
        [w.reporter, failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
      ]);
      // A bond fully slashed while unbonding withdraws zero without a transfer.
      const { failureId: second } = await report(w, { compensation: BOND });
      await w.registry.connect(w.node).startUnbonding(BOND);
      await assign(w, second);
      await atDeadline(w, second, 1n);
      await w.registry.connect(w.beneficiary).enforce(second);
      await w.time.increase(UNBONDING_DELAY);
      await expect(w.registry.connect(w.node).withdrawBond())
        .to.emit(w.registry, "BondWithdrawn")
        .withArgs(w.node.address, 0n);
      await withdrawAll(w, w.beneficiary);
      await withdrawAll(w, w.reporter);
      await expectTotals(w, { bonded: 0n, reporterBonds: 0n, staked: 0n, credits: 0n });
      await expectBacked(w);
    });
  });

  it("msg.value on the ERC-20 path (UnexpectedValue) and missing value on the native path (ValueMismatch)", async function () {
    for (const kind of COLLATERAL_KINDS) {
      const w = await loadFixture(BONDED[kind]);
      const { failureId } = await report(w);
      const wrong = (amount: bigint) => ({ value: kind === "native" ? 0n : amount });
      const calls = [
        { amount: UNIT, send: () => w.registry.connect(w.node2).bond(UNIT, wrong(UNIT)) },
        { amount: REPORTER_BOND, send: () => sendReport(w, { index: 2, overrides: wrong(REPORTER_BOND) }) },
        {
          amount: COMPENSATION,
          send: () => w.registry.connect(w.claimant).claimResponsibility(failureId, wrong(COMPENSATION)),
        },
      ];
      for (const { amount, send } of calls) {
        if (kind === "native") {
          await expect(send())
            .to.be.revertedWithCustomError(w.registry, "ValueMismatch")
            .withArgs(amount, 0n);
        } else {
          await expect(send()).to.be.revertedWithCustomError(w.registry, "UnexpectedValue").withArgs(amount);
        }
      }
      await expectBacked(w);
    }
  });

  it("dust bonds, claims and reports below the minimums are refused; the smallest valid ones settle exactly", async function () {
    for (const kind of COLLATERAL_KINDS) {
      const w = await loadFixture(BONDED[kind]);
      await expect(
        w.registry.connect(w.node2).bond(0n, w.collateral.value(0n)),
      ).to.be.revertedWithCustomError(w.registry, "ZeroAmount");
      await expect(w.registry.connect(w.node).startUnbonding(0n)).to.be.revertedWithCustomError(
        w.registry,
        "ZeroAmount",
      );
      await w.registry.connect(w.owner).setMinimumOperatorBond(UNIT);
      await expect(w.registry.connect(w.node2).bond(UNIT - 1n, w.collateral.value(UNIT - 1n)))
        .to.be.revertedWithCustomError(w.registry, "BondBelowMinimum")
        .withArgs(UNIT - 1n, UNIT);
      await expect(sendReport(w, { compensation: 0n }))
        .to.be.revertedWithCustomError(w.registry, "CompensationOutOfRange")
        .withArgs(0n, 10n * UNIT);
      if (kind === "native") {
        await expect(sendReport(w, { overrides: { value: REPORTER_BOND - 1n } }))
          .to.be.revertedWithCustomError(w.registry, "ValueMismatch")
          .withArgs(REPORTER_BOND, REPORTER_BOND - 1n);
      }
      // A 1-wei compensation: claimed with a 1-wei stake (no less is possible), paid out to the wei.
      const { failureId } = await report(w, { compensation: 1n });
      if (kind === "native") {
        await expect(w.registry.connect(w.claimant).claimResponsibility(failureId, { value: 0n }))
          .to.be.revertedWithCustomError(w.registry, "ValueMismatch")
          .withArgs(1n, 0n);
      }
      await claim(w, failureId);
      const tx = w.registry.connect(w.claimant).compensate(failureId);
      await expectCreditedExactly(w, tx, [
        [w.beneficiary, failureId, CreditReason.Compensation, 1n],
        [w.reporter, failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
      ]);
      await w.collateral.expectBalanceChanges(
        w.registry.connect(w.beneficiary).withdraw(w.beneficiary.address),
        [w.beneficiary, w.registry],
        [1n, -1n],
      );
      await expectBacked(w);
    }
  });

  it("a node unbonding or withdrawing just before a report: the unbonding bond stays slashable and cannot leave", async function () {
    const w = await loadFixture(BONDED.native);
    const loggedAt = (await traceBodies(w))[1].loggedAt;
    // Unbonding everything right after logging: the delay outlasts the report window.
    await w.registry.connect(w.node).startUnbonding(BOND);
    const unbondableAt = (await w.registry.bondOf(w.node.address)).unbondableAt;
    expect(unbondableAt).to.be.greaterThan(loggedAt + REPORT_WINDOW);
    // The last moment a report can land is long before the bond can leave ...
    await w.time.setNextBlockTimestamp(loggedAt + REPORT_WINDOW);
    const { failureId } = await report(w);
    await expect(w.registry.connect(w.node).withdrawBond())
      .to.be.revertedWithCustomError(w.registry, "UnbondingNotReady")
      .withArgs(w.node.address, unbondableAt, anyUint);
    // ... and the open failure holds it even once the delay has passed,
    await w.time.increaseTo(unbondableAt);
    await expect(w.registry.connect(w.node).withdrawBond())
      .to.be.revertedWithCustomError(w.registry, "OpenFailures")
      .withArgs(w.node.address, 1n);
    // when every other step of the node is past reporting.
    await expect(sendReport(w, { index: 2 }))
      .to.be.revertedWithCustomError(w.registry, "ReportWindowClosed")
      .withArgs(anyHex, loggedAt + REPORT_WINDOW, anyUint);
    // The fallback takes the unbonding bond.
    await w.registry.connect(w.stranger).assignFallback(failureId);
    await expectFailure(w, failureId, { collateral: COMPENSATION, shortfall: 0n, collateralFromBond: true });
    await expectBond(w, w.node.address, { amount: BOND - COMPENSATION, unbonding: BOND });
    await atDeadline(w, failureId, 1n);
    await w.registry.enforce(failureId);
    await expect(w.registry.connect(w.node).withdrawBond())
      .to.emit(w.registry, "BondWithdrawn")
      .withArgs(w.node.address, BOND - COMPENSATION);
    await expectBacked(w);
  });

  it("a node reporting itself from a second address loses the treasury share and gains nothing", async function () {
    for (const kind of COLLATERAL_KINDS) {
      const w = await loadFixture(BONDED[kind]);
      const self = w.node2; // the node's second address
      // Route 1: report, contest, and hope for an Invalid ruling to collect the reporter bond.
      const reportTx = sendReport(w, { reporter: self, beneficiary: self.address });
      await w.collateral.expectBalanceChanges(reportTx, [self, w.registry], [-REPORTER_BOND, REPORTER_BOND]);
      const first = await w.registry.failureCount();
      await contest(w, first, w.node);
      const ruling = w.registry.connect(w.arbiter).rule(first, Ruling.Invalid);
      await expectCreditedExactly(w, ruling, [
        [w.node, first, CreditReason.ReporterBondAwarded, AWARD],
        [w.treasury, first, CreditReason.TreasuryShare, TREASURY_SHARE],
      ]);
      const paidIn = REPORTER_BOND;
      const creditedBack =
        (await w.registry.creditOf(w.node.address)) + (await w.registry.creditOf(self.address));
      expect(creditedBack - paidIn).to.equal(-TREASURY_SHARE);
      await expectLedger(w, self.address, { reporterBondsForfeited: REPORTER_BOND });
      await expectBond(w, w.node.address, { amount: BOND });

      // Route 2: let the report stand; the node's own bond pays its own second address.
      const { failureId: second } = await report(w, { index: 2, reporter: self, beneficiary: self.address });
      await assign(w, second);
      await (await w.registry.connect(w.node).compensate(second)).wait();
      const bondLost = BOND - (await w.registry.bondOf(w.node.address)).amount;
      const selfCredited = await w.registry.creditOf(self.address);
      // The operator's bond went down by what its second address was credited less the bond returned.
      expect(selfCredited - REPORTER_BOND).to.equal(bondLost);
      await expectLedger(w, w.node.address, { amountSlashed: COMPENSATION, amountReceived: AWARD });
      await expectBacked(w);
    }
  });

  // DESIGN.md invariant 11: one caller cannot make another caller's submission revert by
  // front-running it. Reports are unique per step *and reporter*, so a decoy report filed first
  // (1 wei, the node's own second address as beneficiary) cannot stop the affected party's own.
  it("a node reporting itself from a second address first (1 wei, itself as beneficiary) cannot block the affected party's report of that step", async function () {
    const w = await loadFixture(BONDED.native);
    const { failureId: decoy, stepId } = await report(w, {
      reporter: w.node2,
      beneficiary: w.node2.address,
      compensation: 1n,
    });
    const { failureId: genuine } = await report(w, {
      reporter: w.beneficiary,
      beneficiary: w.beneficiary.address,
      compensation: 5n * UNIT,
    });
    expect(await w.registry.failureOfStep(stepId, w.node2.address)).to.equal(decoy);
    expect(await w.registry.failureOfStep(stepId, w.beneficiary.address)).to.equal(genuine);
    // The affected party cannot repeat itself, though.
    await expect(sendReport(w, { reporter: w.beneficiary, compensation: 5n * UNIT }))
      .to.be.revertedWithCustomError(w.registry, "StepAlreadyReported")
      .withArgs(stepId, w.beneficiary.address, genuine);
    await assign(w, genuine);
    await (await w.registry.connect(w.node).compensate(genuine)).wait();
    await expectCredits(w, [[w.beneficiary, 5n * UNIT + REPORTER_BOND]]);
    await expectBond(w, w.node.address, { amount: BOND - 5n * UNIT, openFailures: 1n });
  });

  // A decoy contested by the node locks its bond, so a genuine failure's fallback finds less;
  // when the decoy's collateral returns, anyone can collect the genuine failure's shortfall.
  it("a decoy report contested to lock the node's bond cannot shield it: the shortfall is collected when the bond returns", async function () {
    const w = await loadFixture(BONDED.native);
    const { failureId: decoy } = await report(w, {
      index: 0,
      reporter: w.node2,
      beneficiary: w.node2.address,
      compensation: BOND,
    });
    await contest(w, decoy, w.node);
    const { failureId: genuine } = await report(w, {
      index: 1,
      reporter: w.beneficiary,
      beneficiary: w.beneficiary.address,
      compensation: BOND,
    });
    await assign(w, genuine);
    await expectFailure(w, genuine, { collateral: 0n, shortfall: BOND });
    await expect(w.registry.connect(w.stranger).collectShortfall(genuine))
      .to.be.revertedWithCustomError(w.registry, "NothingToCollect")
      .withArgs(genuine, BOND, 0n);
    // The arbiter stays silent on the decoy: it ends drawn and the bond comes back ...
    await w.time.increase(ARBITRATION_TIMEOUT + 1n);
    await (await w.registry.expireArbitration(decoy)).wait();
    // ... and the beneficiary locks it behind the genuine failure before enforcing.
    await expect(w.registry.connect(w.beneficiary).collectShortfall(genuine))
      .to.emit(w.registry, "ShortfallCollected")
      .withArgs(genuine, w.node.address, BOND, 0n);
    await expectFailure(w, genuine, { collateral: BOND, shortfall: 0n });
    await w.time.increase(RESOLUTION_WINDOW + 1n);
    await (await w.registry.enforce(genuine)).wait();
    await expectCredits(w, [[w.beneficiary, BOND + REPORTER_BOND]]);
    await expectBacked(w);
  });

  // The other order: the node tries to close the genuine failure while its bond sits in the
  // decoy, so that the bond is free again afterwards. It cannot: a node cannot compensate with a
  // shortfall outstanding, and only the beneficiary may enforce one, so the failure stays open,
  // keeps the bond from leaving, and collects it when the decoy ends.
  it("a decoy that locks the node's bond cannot be used to close the genuine failure unpaid", async function () {
    const w = await loadFixture(BONDED.native);
    const { failureId: decoy } = await report(w, {
      index: 0,
      reporter: w.node2,
      beneficiary: w.node2.address,
      compensation: BOND,
    });
    await contest(w, decoy, w.node);
    const { failureId: genuine } = await report(w, {
      index: 1,
      reporter: w.beneficiary,
      beneficiary: w.beneficiary.address,
      compensation: BOND,
    });
    await assign(w, genuine);
    await expect(w.registry.connect(w.node).compensate(genuine))
      .to.be.revertedWithCustomError(w.registry, "ShortfallOutstanding")
      .withArgs(genuine, BOND);
    await w.time.increase(RESOLUTION_WINDOW + 1n);
    for (const caller of [w.node, w.node2, w.stranger]) {
      await expect(w.registry.connect(caller).enforce(genuine))
        .to.be.revertedWithCustomError(w.registry, "ShortfallOutstanding")
        .withArgs(genuine, BOND);
    }
    // The decoy ends drawn; the bond is back but cannot leave while the genuine failure is open.
    await w.time.increase(ARBITRATION_TIMEOUT);
    await (await w.registry.expireArbitration(decoy)).wait();
    await (await w.registry.connect(w.node).startUnbonding(BOND)).wait();
    await w.time.increase(UNBONDING_DELAY);
    await expect(w.registry.connect(w.node).withdrawBond())
      .to.be.revertedWithCustomError(w.registry, "OpenFailures")
      .withArgs(w.node.address, 1n);
    // The beneficiary enforces: the free bond is locked for the shortfall and paid in full.
    await expect(w.registry.connect(w.beneficiary).enforce(genuine))
      .to.emit(w.registry, "FailureClosed")
      .withArgs(genuine, FailureState.Enforced, w.node.address, BOND, 0n);
    await expectCredits(w, [[w.beneficiary, BOND + REPORTER_BOND]]);
    await expectBacked(w);
  });

  // DESIGN.md invariant 11 for relayed logging: copying one signer's group out of a relayer's
  // batch and submitting it first must not make the relayer's batch revert.
  it("a signed group copied out of a relayer's batch and submitted first is skipped, not fatal", async function () {
    const w = await loadFixture(BONDED.native);
    const address = await w.registry.getAddress();
    const chainId = (await ethers.provider.getNetwork()).chainId;
    const sign = async (signer: Signer, traceId: string) => {
      const message = {
        actor: signer.address,
        steps: [makeStep(ethers, traceId, 0)],
        nonce: await w.registry.nonces(signer.address),
        deadline: 2n ** 40n,
      };
      return {
        ...message,
        signature: await signer.signTypedData(registryDomain(chainId, address), mutableTypes(), message),
      };
    };
    const a = await sign(w.node, ethers.id("A"));
    const b = await sign(w.node2, ethers.id("B"));
    await (await w.registry.connect(w.stranger).logSignedSteps([a])).wait(); // the copy lands first
    const tx = w.registry.connect(w.reporter).logSignedSteps([a, b]);
    await expect(tx).to.emit(w.registry, "SignedStepsSkipped").withArgs(w.node.address, 0n);
    await expect(tx)
      .to.emit(w.registry, "StepLogged")
      .withArgs(ethers.id("B"), anyHex, w.node2.address, 1n, anyHex, anyHex, anyUint, anyValue);
    expect(await w.registry.traceHead(ethers.id("B"))).to.not.equal(ethers.ZeroHash);
    expect(await w.registry.nonces(w.node.address)).to.equal(1n);
    // A plain replay, with nothing new in it, still reverts.
    await expect(w.registry.connect(w.reporter).logSignedSteps([a, b]))
      .to.be.revertedWithCustomError(w.registry, "InvalidNonce")
      .withArgs(w.node.address, 1n, 0n);
  });

  it("duplicate reports, claims, fallbacks and rulings revert and pay nothing twice", async function () {
    const w = await loadFixture(BONDED.native);
    const stalePinned = await w.registry.connect(w.stranger).pinTraceHead.staticCall(TRACE);
    await w.registry.connect(w.stranger).pinTraceHead(TRACE);
    const oldProof = await proofOf(w, 1);
    const { failureId, stepId } = await report(w);
    // The same step again, with a fresh proof and with a proof against the pinned head.
    await logTrace(w, w.node, 1, TRACE, 10);
    for (const proof of [await proofOf(w, 1), oldProof]) {
      await expect(sendReport(w, { proof }))
        .to.be.revertedWithCustomError(w.registry, "StepAlreadyReported")
        .withArgs(stepId, w.reporter.address, failureId);
    }
    expect(await w.registry.isPinnedHead(TRACE, stalePinned)).to.equal(true);
    // Claims.
    await claim(w, failureId);
    for (const claimant of [w.claimant, w.stranger]) {
      await expect(w.registry.connect(claimant).claimResponsibility(failureId, { value: COMPENSATION }))
        .to.be.revertedWithCustomError(w.registry, "FailureNotClaimable")
        .withArgs(failureId, FailureState.Claimed);
    }
    // Fallbacks.
    const { failureId: fallback } = await report(w, { index: 2 });
    await assign(w, fallback);
    await expect(w.registry.assignFallback(fallback))
      .to.be.revertedWithCustomError(w.registry, "FailureNotAssignable")
      .withArgs(fallback, FailureState.Assigned);
    await expectBond(w, w.node.address, { amount: BOND - COMPENSATION });
    // Rulings.
    await contest(w, fallback, w.node);
    await w.registry.connect(w.arbiter).rule(fallback, Ruling.Valid);
    await expect(w.registry.connect(w.arbiter).rule(fallback, Ruling.Valid))
      .to.be.revertedWithCustomError(w.registry, "FailureNotContested")
      .withArgs(fallback, FailureState.RuledValid);
    // Settlements and withdrawals.
    await w.registry.connect(w.claimant).compensate(failureId);
    await expect(w.registry.connect(w.claimant).compensate(failureId))
      .to.be.revertedWithCustomError(w.registry, "FailureNotResolvable")
      .withArgs(failureId, FailureState.Compensated);
    await withdrawAll(w, w.beneficiary);
    await expect(w.registry.connect(w.beneficiary).withdraw(w.beneficiary.address))
      .to.be.revertedWithCustomError(w.registry, "NoCredit")
      .withArgs(w.beneficiary.address);
    await expectLedger(w, w.beneficiary.address, { amountReceived: 2n * COMPENSATION });
    await expectBacked(w);
  });

  it("actions at deadline − 1, at the deadline and at deadline + 1: exactly one of two conflicting transitions succeeds", async function () {
    type Ctx = { w: World; failureId: bigint };
    type Pair = {
      window: string;
      setup: (w: World) => Promise<bigint>;
      before: (c: Ctx) => Promise<{ wait(): Promise<unknown> }>;
      after: (c: Ctx) => Promise<{ wait(): Promise<unknown> }>;
    };
    const reported = async (w: World) => (await report(w)).failureId;
    const claimed = async (w: World) => {
      const id = await reported(w);
      await claim(w, id);
      return id;
    };
    const assigned = async (w: World) => {
      const id = await reported(w);
      await assign(w, id);
      return id;
    };
    const remedy = async (w: World) => {
      const id = await claimed(w);
      await proposeRemedy(w, id, w.claimant);
      return id;
    };
    const contested = async (w: World) => {
      const id = await reported(w);
      await contest(w, id, w.node);
      return id;
    };
    const pairs: Pair[] = [
      {
        window: "claim: claimResponsibility vs assignFallback",
        setup: reported,
        before: ({ w, failureId }) =>
          w.registry.connect(w.claimant).claimResponsibility(failureId, { value: COMPENSATION }),
        after: ({ w, failureId }) => w.registry.assignFallback(failureId),
      },
      {
        window: "claim: contest by the actor vs assignFallback",
        setup: reported,
        before: ({ w, failureId }) => w.registry.connect(w.node).contest(failureId, REASON_DIGEST, ""),
        after: ({ w, failureId }) => w.registry.assignFallback(failureId),
      },
      {
        window: "resolution: compensate vs enforce",
        setup: claimed,
        before: ({ w, failureId }) => w.registry.connect(w.claimant).compensate(failureId),
        after: ({ w, failureId }) => w.registry.enforce(failureId),
      },
      {
        window: "resolution: proposeRemedy vs enforce",
        setup: assigned,
        before: ({ w, failureId }) => w.registry.connect(w.node).proposeRemedy(failureId, REASON_DIGEST, ""),
        after: ({ w, failureId }) => w.registry.enforce(failureId),
      },
      {
        window: "resolution: contest by the accountable party vs enforce",
        setup: claimed,
        before: ({ w, failureId }) => w.registry.connect(w.claimant).contest(failureId, REASON_DIGEST, ""),
        after: ({ w, failureId }) => w.registry.enforce(failureId),
      },
      {
        window: "remedy: acceptRemedy vs finalizeRemedy",
        setup: remedy,
        before: ({ w, failureId }) => w.registry.connect(w.beneficiary).acceptRemedy(failureId),
        after: ({ w, failureId }) => w.registry.finalizeRemedy(failureId),
      },
      {
        window: "remedy: rejectRemedy vs finalizeRemedy",
        setup: remedy,
        before: ({ w, failureId }) => w.registry.connect(w.beneficiary).rejectRemedy(failureId),
        after: ({ w, failureId }) => w.registry.finalizeRemedy(failureId),
      },
      {
        window: "arbitration: rule vs expireArbitration",
        setup: contested,
        before: ({ w, failureId }) => w.registry.connect(w.arbiter).rule(failureId, Ruling.Valid),
        after: ({ w, failureId }) => w.registry.expireArbitration(failureId),
      },
    ];
    for (const pair of pairs) {
      const w = await loadFixture(BONDED.native);
      const failureId = await pair.setup(w);
      const ctx: Ctx = { w, failureId };
      const deadline = (await w.registry.failure(failureId)).deadline;
      for (const offset of [-1n, 0n, 1n]) {
        const results: boolean[] = [];
        for (const action of [pair.before, pair.after]) {
          const snapshot = await networkHelpers.takeSnapshot();
          await w.time.setNextBlockTimestamp(deadline + offset);
          results.push(await succeeds(() => action(ctx)));
          await snapshot.restore();
        }
        expect(results, `${pair.window} at deadline ${offset >= 0n ? "+" : ""}${offset}`).to.deep.equal([
          offset <= 0n,
          offset > 0n,
        ]);
      }
    }
  });

  it("a silent arbiter: after the arbitration timeout anyone draws the failure and everything returns", async function () {
    const w = await loadFixture(contestedByActor);
    await atDeadline(w, w.failureId, 1n);
    await expect(w.registry.connect(w.arbiter).rule(w.failureId, Ruling.Valid)).to.be.revertedWithCustomError(
      w.registry,
      "DeadlinePassed",
    );
    const tx = w.registry.connect(w.beneficiary).expireArbitration(w.failureId);
    await expect(tx)
      .to.emit(w.registry, "FailureClosed")
      .withArgs(w.failureId, FailureState.Drawn, w.node.address, 0n, 0n);
    await expect(tx).to.emit(w.registry, "BondRestored").withArgs(w.node.address, w.failureId, COMPENSATION);
    await expectCreditedExactly(w, tx, [
      [w.reporter, w.failureId, CreditReason.ReporterBondReturned, REPORTER_BOND],
    ]);
    await expectBond(w, w.node.address, { amount: BOND, openFailures: 0n });
    await expectTotals(w, { bonded: BOND, reporterBonds: 0n, staked: 0n, credits: REPORTER_BOND });
  });

  it("a ruling of zero (Ruling.None) reverts with InvalidRuling; a value outside the enum cannot be decoded", async function () {
    const w = await loadFixture(contestedByActor);
    await expect(w.registry.connect(w.arbiter).rule(w.failureId, Ruling.None))
      .to.be.revertedWithCustomError(w.registry, "InvalidRuling")
      .withArgs(Ruling.None);
    await expect(w.registry.connect(w.arbiter).rule(w.failureId, 4n)).to.revert(ethers);
    await expectFailure(w, w.failureId, { state: FailureState.Contested });
  });

  it("a ruling twice reverts with FailureNotContested, and so does a timeout after a ruling", async function () {
    const w = await loadFixture(contestedByActor);
    await w.registry.connect(w.arbiter).rule(w.failureId, Ruling.Refused);
    for (const ruling of [Ruling.Valid, Ruling.Invalid, Ruling.Refused]) {
      await expect(w.registry.connect(w.arbiter).rule(w.failureId, ruling))
        .to.be.revertedWithCustomError(w.registry, "FailureNotContested")
        .withArgs(w.failureId, FailureState.Drawn);
    }
    await atDeadline(w, w.failureId, 1n);
    await expect(w.registry.expireArbitration(w.failureId))
      .to.be.revertedWithCustomError(w.registry, "FailureNotContested")
      .withArgs(w.failureId, FailureState.Drawn);
    await expectTotals(w, { bonded: BOND, reporterBonds: 0n, staked: 0n, credits: REPORTER_BOND });
  });

  it("a ruling from a non-arbiter reverts with CallerNotArbiter, including a newer version's arbiter", async function () {
    const w = await loadFixture(contestedByActor);
    for (const caller of [w.owner, w.treasury, w.node, w.reporter, w.beneficiary]) {
      await expect(w.registry.connect(caller).rule(w.failureId, Ruling.Invalid))
        .to.be.revertedWithCustomError(w.registry, "CallerNotArbiter")
        .withArgs(w.failureId, caller.address, w.arbiter.address);
    }
    await w.registry.connect(w.owner).setParameters({ ...w.parameters, arbiter: w.stranger.address });
    await expect(w.registry.connect(w.stranger).rule(w.failureId, Ruling.Invalid))
      .to.be.revertedWithCustomError(w.registry, "CallerNotArbiter")
      .withArgs(w.failureId, w.stranger.address, w.arbiter.address);
    await expect(w.registry.connect(w.arbiter).rule(w.failureId, Ruling.Invalid)).to.emit(
      w.registry,
      "ArbitrationRuled",
    );
  });

  it("odd amounts and 1 wei splits sum exactly (treasury share rounds down, the accused gets the rest)", async function () {
    // The smallest bonds the bounds allow for each share: reporterBond x bps >= 10,000, so the
    // treasury's share is never rounded away to zero.
    const cases = [
      { reporterBond: 10n, bps: 1_000n },
      { reporterBond: 2n, bps: 9_999n },
      { reporterBond: 1n, bps: 10_000n },
      { reporterBond: 4n, bps: 3_333n },
      { reporterBond: 7n, bps: 5_000n },
      { reporterBond: 12_345n, bps: 1n },
      { reporterBond: 10n ** 16n + 1n, bps: 0n },
      { reporterBond: 10n ** 18n - 1n, bps: 6_667n },
    ];
    for (const kind of COLLATERAL_KINDS) {
      for (const { reporterBond, bps } of cases) {
        const w = await deployWorld(connection, {
          collateral: kind,
          parameters: { reporterBond, treasuryShareBps: bps },
        });
        await bond(w, w.node, 3n);
        await logTrace(w, w.node, 2);
        const { failureId } = await report(w, { compensation: 3n, index: 0 });
        await contest(w, failureId, w.node);
        const share = (reporterBond * bps) / 10_000n;
        const award = reporterBond - share;
        const tx = w.registry.connect(w.arbiter).rule(failureId, Ruling.Invalid);
        const expected: [Signer, bigint, bigint, bigint][] = [];
        if (award !== 0n) expected.push([w.node, failureId, CreditReason.ReporterBondAwarded, award]);
        if (share !== 0n) expected.push([w.treasury, failureId, CreditReason.TreasuryShare, share]);
        await expectCreditedExactly(w, tx, expected);
        expect(share + award).to.equal(reporterBond);
        await expectTotals(w, { bonded: 3n, reporterBonds: 0n, staked: 0n, credits: reporterBond });
        // An odd compensation, partly unbacked: collateral + shortfall is the compensation to the wei.
        const { failureId: odd } = await report(w, { compensation: 5n, index: 1 });
        await assign(w, odd);
        await expectFailure(w, odd, { collateral: 3n, shortfall: 2n });
        await atDeadline(w, odd, 1n);
        await (await w.registry.connect(w.beneficiary).enforce(odd)).wait();
        await expectCredits(w, [[w.beneficiary, 3n]]);
        await expectBacked(w);
      }
    }
  });

  it("many failures against one node exceeding its bond: locked in fallback order, shortfalls recorded per failure", async function () {
    for (const kind of COLLATERAL_KINDS) {
      const w = await loadFixture(BONDED[kind]);
      const ids: bigint[] = [];
      for (const index of [0, 1, 2, 3]) ids.push((await report(w, { index })).failureId);
      // A fifth failure on another node's trace must not be touched.
      const other = ethers.id("second node");
      await bond(w, w.node2, BOND);
      await logTrace(w, w.node2, 1, other);
      const { failureId: unrelated } = await report(w, { traceId: other, index: 0 });
      await claim(w, unrelated);

      await atDeadline(w, ids[3], 1n);
      // The bond is drained in the order the fallbacks are called, not the order of reports.
      const order = [ids[2], ids[0], ids[3], ids[1]];
      const expected = [
        { locked: COMPENSATION, shortfall: 0n },
        { locked: COMPENSATION, shortfall: 0n },
        { locked: UNIT, shortfall: UNIT },
        { locked: 0n, shortfall: COMPENSATION },
      ];
      for (let i = 0; i < order.length; i++) {
        await expect(w.registry.connect(w.stranger).assignFallback(order[i]))
          .to.emit(w.registry, "FallbackAssigned")
          .withArgs(order[i], w.node.address, expected[i].locked, expected[i].shortfall, anyUint);
        await expectFailure(w, order[i], {
          collateral: expected[i].locked,
          shortfall: expected[i].shortfall,
        });
      }
      await expectBond(w, w.node.address, { amount: 0n, openFailures: 4n });
      await atDeadline(w, order[3], 1n);
      // Fully backed ones anyone may enforce; short ones only their beneficiary (it may wait).
      for (const id of order) {
        const { shortfall } = await w.registry.failure(id);
        await w.registry.connect(shortfall === 0n ? w.stranger : w.beneficiary).enforce(id);
      }
      await expectLedger(w, w.node.address, {
        failuresDefaulted: 4n,
        failuresEnforced: 4n,
        amountPaid: BOND,
        amountSlashed: BOND,
        unbackedShortfall: 4n * COMPENSATION - BOND,
      });
      await expectCredits(w, [[w.beneficiary, BOND]]);
      await expectFailure(w, unrelated, { state: FailureState.Claimed, collateral: COMPENSATION });
      await expectBond(w, w.node2.address, { amount: BOND, openFailures: 1n });
      await expectBacked(w);
    }
  });

  it("parameter changes and pause while failures are open: open failures keep their version, settle while paused", async function () {
    const w = await loadFixture(BONDED.native);
    const { failureId: reported } = await report(w, { index: 0 });
    const { failureId: claimed } = await report(w, { index: 1 });
    await claim(w, claimed);
    const { failureId: contested } = await report(w, { index: 2 });
    await contest(w, contested, w.node);
    const deadlines = await Promise.all(
      [reported, claimed, contested].map(async (id) => (await w.registry.failure(id)).deadline),
    );

    await w.registry.connect(w.owner).setParameters({
      ...w.parameters,
      reporterBond: 5n * REPORTER_BOND,
      claimWindow: 30n * DAY,
      resolutionWindow: 30n * DAY,
      arbitrationTimeout: 30n * DAY,
      unbondingDelay: 100n * DAY,
      arbiter: w.stranger.address,
      treasury: w.node2.address,
    });
    await w.registry.connect(w.owner).setPaused(true);
    const after = await Promise.all(
      [reported, claimed, contested].map(async (id) => (await w.registry.failure(id)).deadline),
    );
    expect(after).to.deep.equal(deadlines);

    // New reports and claims are paused ...
    await expect(sendReport(w, { index: 3 })).to.be.revertedWithCustomError(w.registry, "RegistryPaused");
    await expect(
      w.registry.connect(w.claimant).claimResponsibility(reported, { value: COMPENSATION }),
    ).to.be.revertedWithCustomError(w.registry, "RegistryPaused");
    // ... settlement is not, and uses each failure's own version.
    await w.registry.connect(w.arbiter).rule(contested, Ruling.Invalid);
    await expectCredits(w, [
      [w.treasury, TREASURY_SHARE],
      [w.node2, 0n],
    ]);
    await w.registry.connect(w.claimant).compensate(claimed);
    const t = await atDeadline(w, reported, 1n);
    await w.registry.assignFallback(reported);
    await expectFailure(w, reported, { deadline: t + 2n * DAY, parametersVersion: 1n });
    await withdrawAll(w, w.beneficiary);

    await w.registry.connect(w.owner).setPaused(false);
    const { failureId: fresh } = await report(w, { index: 3 });
    await expectFailure(w, fresh, { parametersVersion: 2n, reporterBond: 5n * REPORTER_BOND });
    await expectBacked(w);
  });

  it("replayed, expired, wrong-chain and wrong-signer EIP-712 signatures are refused; a relayed step is the signer's to answer for", async function () {
    // Each case is covered in detail by test/ResponsibilityRegistry.trace.ts (logSignedSteps);
    // this is the compact version, plus what a signed step means for accountability.
    const w = await loadFixture(BONDED.native);
    const signedTrace = ethers.id("signed trace");
    const steps: StepInput[] = [makeStep(ethers, signedTrace, 0)];
    const { chainId } = await ethers.provider.getNetwork();
    const sign = async (
      signer: Signer,
      options: { nonce?: bigint; deadline?: bigint; chainId?: bigint } = {},
    ) => {
      const message = {
        actor: w.node.address,
        steps,
        nonce: options.nonce ?? 0n,
        deadline: options.deadline ?? 2n ** 40n,
      };
      const domain = registryDomain(options.chainId ?? chainId, w.address);
      return { ...message, signature: await signer.signTypedData(domain, mutableTypes(), message) };
    };
    const relayer = w.stranger;
    const valid = await sign(w.node);
    await w.registry.connect(relayer).logSignedSteps([valid]);
    const now = BigInt(await w.time.latest());
    const bad = [
      { name: "replayed", batch: valid, error: "InvalidNonce" },
      { name: "expired", batch: await sign(w.node, { nonce: 1n, deadline: now }), error: "SignatureExpired" },
      {
        name: "wrong chain",
        batch: await sign(w.node, { nonce: 1n, chainId: 1n }),
        error: "InvalidSignature",
      },
      { name: "wrong signer", batch: await sign(w.node2, { nonce: 1n }), error: "InvalidSignature" },
    ];
    for (const { name, batch, error } of bad) {
      await expect(w.registry.connect(relayer).logSignedSteps([batch]), name).to.be.revertedWithCustomError(
        w.registry,
        error,
      );
    }
    // The relayed step is attributed to the signer: its bond, not the relayer's, backs the failure.
    await bond(w, relayer, BOND);
    const { failureId } = await report(w, { traceId: signedTrace, index: 0 });
    await expectFailure(w, failureId, { actor: w.node.address });
    await assign(w, failureId);
    await expectFailure(w, failureId, { accountable: w.node.address, collateral: COMPENSATION });
    await expectBond(w, relayer.address, { amount: BOND, openFailures: 0n });
  });

  it("steps for a trace proven against a stale head: refused, unless the head was pinned, and a front-run append cannot block a pinned report", async function () {
    const w = await loadFixture(BONDED.native);
    const stale = await proofOf(w, 1);
    const staleHead = await w.registry.traceHead(TRACE);
    // The accused appends a step to invalidate a pending report's proof.
    await w.registry.connect(w.node).logStep(makeStep(ethers, TRACE, 20));
    await expect(sendReport(w, { proof: stale }))
      .to.be.revertedWithCustomError(w.registry, "StepProofMismatch")
      .withArgs(TRACE, await w.registry.traceHead(TRACE), staleHead);
    // Pinning the head first makes the proof immune to later appends.
    const pinnedProof = await proofOf(w, 1);
    await w.registry.connect(w.reporter).pinTraceHead(TRACE);
    for (let n = 21; n < 24; n++) await w.registry.connect(w.node).logStep(makeStep(ethers, TRACE, n));
    await expect(sendReport(w, { proof: pinnedProof })).to.emit(w.registry, "FailureReported");
    // The stale head was never pinned, so its proof stays refused for the other steps too.
    await expect(sendReport(w, { proof: buildStepProof((await traceBodies(w)).slice(0, 4), 2) }))
      .to.be.revertedWithCustomError(w.registry, "StepProofMismatch")
      .withArgs(TRACE, await w.registry.traceHead(TRACE), staleHead);
  });

  it("batches at and above the maximum size: 256 steps log and their first step can be proven; 257 revert", async function () {
    const w = await loadFixture(BONDED.native);
    const max = Number(await w.registry.MAX_BATCH_SIZE());
    const batchTrace = ethers.id("max batch");
    await logTrace(w, w.node, max, batchTrace);
    const proof = await proofOf(w, 0, batchTrace);
    expect(proof.laterBodyHashes).to.have.length(max - 1);
    const { failureId } = await report(w, { traceId: batchTrace, proof });
    await expectFailure(w, failureId, { actor: w.node.address, state: FailureState.Reported });
    const tooMany = Array.from({ length: max + 1 }, (_, n) => makeStep(ethers, batchTrace, n, 1, ""));
    await expect(w.registry.connect(w.node).logSteps(tooMany))
      .to.be.revertedWithCustomError(w.registry, "BatchTooLarge")
      .withArgs(BigInt(max + 1), BigInt(max));
  });
});
