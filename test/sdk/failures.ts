import { expect } from "chai";
import { id, ZeroAddress } from "ethers";
import { network } from "hardhat";
import {
  InvalidInputError,
  NotFoundError,
  OnusClient,
  ZERO_HASH,
  type Hex,
  type OnusClientConfig,
  type ReadLogOptions,
  type ReportFailureParameters,
  type Trace,
} from "../../sdk/index.js";
import { ResponsibilityRegistry__factory } from "../../types/ethers-contracts/index.js";
import { DAY } from "../helpers/registry.js";
import {
  clientFor,
  COLLATERAL_KINDS,
  collateralBalance,
  deploySdkWorld,
  EVIDENCE,
  expectInvalidInput,
  expectNothingSent,
  expectRevert,
  readerFor,
  REASON,
  REMEDY,
  step,
  UNIT,
  type CollateralKind,
  type SdkWorld,
} from "../helpers/sdk.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const TRACE = id("sdk failures trace") as Hex;
const ZERO = ZERO_HASH;
const COMPENSATION = 2n * UNIT;
const REPORTER_BOND = 10n ** 16n;

/** A registry whose node logged a 3-step trace. */
async function tracedWorld(collateral: CollateralKind): Promise<SdkWorld & { trace: Trace }> {
  const world = await deploySdkWorld(ethers, { collateral, minimumOperatorBond: 0n });
  await clientFor(world, world.node).logSteps({ steps: [0, 1, 2].map((n) => step(TRACE, n)) });
  return { ...world, trace: await readerFor(world).getTrace(TRACE) };
}
/** ...and a failure (id 1) reported against its step 1, compensation 2 units. */
async function reportedWorld(collateral: CollateralKind) {
  const world = await tracedWorld(collateral);
  await clientFor(world, world.reporter).reportFailure(reportOf(world, { stepIndex: 1 }));
  return { ...world, failureId: 1n };
}
/** ...claimed by the operator. */
async function claimedWorld(collateral: CollateralKind) {
  const world = await reportedWorld(collateral);
  await clientFor(world, world.operator).claimResponsibility({ failureId: 1n });
  return world;
}
function tracedNative() {
  return tracedWorld("native");
}
function tracedErc20() {
  return tracedWorld("erc20");
}
function reportedNative() {
  return reportedWorld("native");
}
function reportedErc20() {
  return reportedWorld("erc20");
}
function claimedNative() {
  return claimedWorld("native");
}
function claimedErc20() {
  return claimedWorld("erc20");
}
const FIXTURES = {
  native: { traced: tracedNative, reported: reportedNative, claimed: claimedNative },
  erc20: { traced: tracedErc20, reported: reportedErc20, claimed: claimedErc20 },
} as const;

function reportOf(world: SdkWorld, target: { stepIndex?: number; stepId?: string }): ReportFailureParameters {
  return {
    traceId: TRACE,
    ...target,
    beneficiary: world.beneficiary.address,
    compensation: COMPENSATION,
    evidenceDigest: EVIDENCE,
    evidenceUri: "ipfs://evidence",
  };
}

function registryOf(world: SdkWorld) {
  return ResponsibilityRegistry__factory.connect(world.address, world.ethers.provider);
}

async function deadlineOf(world: SdkWorld, failureId: bigint): Promise<bigint> {
  return (await readerFor(world).getFailure(failureId)).deadline;
}

/**
 * A client whose `getTrace` lets another signer append a step to the trace right after each of
 * its first `appends` fetches: the proof it builds is stale by the time it is sent.
 */
class RacedClient extends OnusClient {
  appends: number;
  fetches = 0;
  readonly #appender: OnusClient;

  constructor(config: OnusClientConfig, appender: OnusClient, appends: number) {
    super(config);
    this.#appender = appender;
    this.appends = appends;
  }

  override async getTrace(traceId: string, options?: ReadLogOptions): Promise<Trace> {
    const trace = await super.getTrace(traceId, options);
    this.fetches++;
    if (this.appends > 0) {
      this.appends--;
      await this.#appender.logStep(step(TRACE, 100 + this.fetches));
    }
    return trace;
  }
}

describe("SDK: failures", function () {
  describe("bond", function () {
    for (const kind of COLLATERAL_KINDS) {
      it(`posts and tops up a bond, moving the collateral (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind].traced);
        const node = clientFor(world, world.node);
        const first = await node.bond({ amount: UNIT });
        expect(first).to.include({ amount: UNIT, newBond: UNIT });
        expect(first.events.map((event) => event.name)).to.deep.equal(["Bonded"]);
        const second = await node.bond({ amount: UNIT / 2n });
        expect(second.newBond).to.equal((3n * UNIT) / 2n);
        expect(await collateralBalance(world, world.address)).to.equal((3n * UNIT) / 2n);
        expect(await node.getBond(world.node.address)).to.deep.equal({
          amount: (3n * UNIT) / 2n,
          unbonding: 0n,
          unbondableAt: 0n,
          openFailures: 0,
          active: (3n * UNIT) / 2n,
        });
        if (world.token !== undefined) {
          // Auto-approve: exactly what each bond needed, consumed by it.
          expect(await world.token.allowance(world.node.address, world.address)).to.equal(0n);
        }
      });

      it(`decodes BondBelowMinimum without sending anything, approve included (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind].traced);
        await clientFor(world, world.owner).setMinimumOperatorBond({ minimum: UNIT });
        await expectRevert(world, () => clientFor(world, world.node).bond({ amount: UNIT - 1n }), {
          errorName: "BondBelowMinimum",
          args: { newActiveBond: UNIT - 1n, minimum: UNIT },
          shortMessage: `BondBelowMinimum(newActiveBond=${UNIT - 1n}, minimum=${UNIT})`,
        });
      });
    }

    it("refuses ERC-20 collateral without allowance when autoApprove is off, sending nothing", async function () {
      const world = await loadFixture(tracedErc20);
      const node = clientFor(world, world.node, { autoApprove: false });
      const error = await expectInvalidInput(world, "allowance", () => node.bond({ amount: UNIT }));
      expect(error.value).to.equal(0n);
      await world.token!.connect(world.node).approve(world.address, UNIT);
      expect((await node.bond({ amount: UNIT })).newBond).to.equal(UNIT);
    });

    for (const [title, amount] of [
      ["zero", 0n],
      ["negative", -1n],
      ["above uint128", 2n ** 128n],
      ["not a bigint", 5],
    ] as const) {
      it(`rejects an amount that is ${title} before sending`, async function () {
        const world = await loadFixture(tracedErc20);
        await expectInvalidInput(world, "amount", () =>
          clientFor(world, world.node).bond({ amount: amount as bigint }),
        );
      });
    }
  });

  describe("startUnbonding and withdrawBond", function () {
    for (const kind of COLLATERAL_KINDS) {
      it(`unbonds after the delay and withdraws the bond through credits (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind].traced);
        const node = clientFor(world, world.node);
        await node.bond({ amount: UNIT });
        const started = await node.startUnbonding({ amount: UNIT / 4n });
        const startedAt = BigInt((await ethers.provider.getBlock(started.blockNumber))!.timestamp);
        expect(started).to.include({
          amount: UNIT / 4n,
          unbonding: UNIT / 4n,
          unbondableAt: startedAt + 17n * DAY,
        });

        const early = await expectRevert(world, () => node.withdrawBond(), {
          errorName: "UnbondingNotReady",
        });
        expect(early.args).to.deep.include({
          operator: world.node.address,
          unbondableAt: startedAt + 17n * DAY,
        });

        await time.increaseTo(started.unbondableAt);
        const withdrawn = await node.withdrawBond();
        expect(withdrawn.amount).to.equal(UNIT / 4n);
        expect(withdrawn.events.map((event) => event.name)).to.deep.equal(["BondWithdrawn", "Credited"]);
        expect(withdrawn.events[1].args).to.deep.include({ reason: "BondWithdrawn", amount: UNIT / 4n });
        expect(await node.getCredit(world.node.address)).to.equal(UNIT / 4n);

        const before = await collateralBalance(world, world.stranger.address);
        const paid = await node.withdraw({ to: world.stranger.address });
        expect(paid).to.include({ amount: UNIT / 4n, to: world.stranger.address });
        expect(await collateralBalance(world, world.stranger.address)).to.equal(before + UNIT / 4n);
        expect((await node.getBond(world.node.address)).amount).to.equal((3n * UNIT) / 4n);
      });
    }

    it("decodes UnbondingExceedsBond and NothingUnbonding", async function () {
      const world = await loadFixture(tracedNative);
      const node = clientFor(world, world.node);
      await node.bond({ amount: UNIT });
      await expectRevert(world, () => node.startUnbonding({ amount: UNIT + 1n }), {
        errorName: "UnbondingExceedsBond",
        args: { operator: world.node.address, requested: UNIT + 1n, available: UNIT },
        shortMessage: `UnbondingExceedsBond(operator=${world.node.address}, requested=${UNIT + 1n}, available=${UNIT})`,
      });
      await expectRevert(world, () => node.withdrawBond(), {
        errorName: "NothingUnbonding",
        shortMessage: `NothingUnbonding(operator=${world.node.address})`,
      });
      await expectInvalidInput(world, "amount", () => node.startUnbonding({ amount: 0n }));
    });

    it("decodes OpenFailures while a failure is open against the node", async function () {
      const world = await loadFixture(reportedNative);
      const node = clientFor(world, world.node);
      await node.bond({ amount: UNIT });
      await node.startUnbonding({ amount: UNIT });
      await time.increase(17n * DAY);
      await expectRevert(world, () => node.withdrawBond(), {
        errorName: "OpenFailures",
        args: { operator: world.node.address, openFailures: 1n },
      });
    });
  });

  describe("reportFailure", function () {
    for (const kind of COLLATERAL_KINDS) {
      it(`reports a step by index, posting the reporter bond (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind].traced);
        const reporter = clientFor(world, world.reporter);
        const result = await reporter.reportFailure(reportOf(world, { stepIndex: 1 }));
        const reportedAt = BigInt((await ethers.provider.getBlock(result.blockNumber))!.timestamp);
        expect(result).to.include({
          failureId: 1n,
          stepId: world.trace.steps[1].stepId,
          actor: world.node.address,
          reporterBond: REPORTER_BOND,
          claimDeadline: reportedAt + DAY,
          attempts: 1,
        });
        expect(result.events[0].name).to.equal("FailureReported");
        expect(result.events[0].args).to.deep.include({
          reporter: world.reporter.address,
          beneficiary: world.beneficiary.address,
          compensation: COMPENSATION,
          evidenceDigest: EVIDENCE,
          evidenceUri: "ipfs://evidence",
        });
        expect(await collateralBalance(world, world.address)).to.equal(REPORTER_BOND);
        expect((await reporter.getTotals()).reporterBonds).to.equal(REPORTER_BOND);
      });

      it(`reports a step by id (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind].traced);
        const result = await clientFor(world, world.reporter).reportFailure(
          reportOf(world, { stepId: world.trace.steps[2].stepId.toUpperCase().replace("0X", "0x") }),
        );
        expect(result.stepId).to.equal(world.trace.steps[2].stepId);
        expect(
          await registryOf(world).failureOfStep(world.trace.steps[2].stepId, world.reporter.address),
        ).to.equal(result.failureId);
      });

      it(`decodes StepAlreadyReported without sending anything (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind].reported);
        const stepId = world.trace.steps[1].stepId;
        await expectRevert(
          world,
          () => clientFor(world, world.reporter).reportFailure(reportOf(world, { stepIndex: 1 })),
          {
            errorName: "StepAlreadyReported",
            args: { stepId, reporter: world.reporter.address, failureId: 1n },
            shortMessage: `StepAlreadyReported(stepId=${stepId}, reporter=${world.reporter.address}, failureId=1)`,
          },
        );
      });
    }

    it("retries once with a fresh proof when the head moved (attempts === 2)", async function () {
      const world = await loadFixture(tracedNative);
      const appender = clientFor(world, world.node);
      const reporter = new RacedClient({ address: world.address, runner: world.reporter }, appender, 1);
      const result = await reporter.reportFailure(reportOf(world, { stepIndex: 1 }));
      expect(result.attempts).to.equal(2);
      expect(reporter.fetches).to.equal(2);
      expect(result.stepId).to.equal(world.trace.steps[1].stepId);
      const trace = await readerFor(world).getTrace(TRACE);
      expect(trace.steps).to.have.length(4);
      expect(await registryOf(world).isPinnedHead(TRACE, trace.storedHead)).to.equal(false);
    });

    it("pins the head and proves against it when the head moved twice (attempts === 3)", async function () {
      const world = await loadFixture(tracedErc20);
      const appender = clientFor(world, world.node);
      // The head moves after every fetch, the third one too: only the pin makes it through.
      const reporter = new RacedClient({ address: world.address, runner: world.reporter }, appender, 3);
      const result = await reporter.reportFailure(reportOf(world, { stepIndex: 0 }));
      expect(result.attempts).to.equal(3);
      expect(result.stepId).to.equal(world.trace.steps[0].stepId);
      const trace = await readerFor(world).getTrace(TRACE);
      expect(trace.steps).to.have.length(6);
      const pinnedHead = trace.steps[4].stepId;
      expect(await registryOf(world).isPinnedHead(TRACE, pinnedHead)).to.equal(true);
      expect(trace.storedHead).to.not.equal(pinnedHead);
      expect((await readerFor(world).verifyTrace(TRACE)).valid).to.equal(true);
    });

    it("gives up with StepProofMismatch after the pinned attempt if the proof never folds", async function () {
      const world = await loadFixture(tracedNative);
      // Its view of the trace is wrong (an altered digest): no proof built from it can fold.
      class TamperedViewClient extends OnusClient {
        override async getTrace(traceId: string, options?: ReadLogOptions): Promise<Trace> {
          const trace = await super.getTrace(traceId, options);
          const steps = trace.steps.map((s, index) => (index === 0 ? { ...s, outputDigest: ZERO } : s));
          return { ...trace, steps };
        }
      }
      const reporter = new TamperedViewClient({ address: world.address, runner: world.reporter });
      const revert = await expectRevert(
        world,
        () => reporter.reportFailure(reportOf(world, { stepIndex: 0 })),
        {
          errorName: "StepProofMismatch",
          sent: true,
        },
      );
      expect(revert.args).to.deep.include({ traceId: TRACE, currentHead: world.trace.storedHead });
      // The third attempt pinned the head; nothing else was sent.
      expect(await registryOf(world).isPinnedHead(TRACE, world.trace.storedHead)).to.equal(true);
      expect(await registryOf(world).failureCount()).to.equal(0n);
    });

    const invalid: {
      title: string;
      field: string;
      patch: Partial<Record<keyof ReportFailureParameters, unknown>>;
    }[] = [
      { title: "both stepId and stepIndex", field: "stepId", patch: { stepIndex: 1, stepId: id("x") } },
      { title: "neither stepId nor stepIndex", field: "stepId", patch: { stepIndex: undefined } },
      { title: "a negative stepIndex", field: "stepIndex", patch: { stepIndex: -1 } },
      { title: "a fractional stepIndex", field: "stepIndex", patch: { stepIndex: 1.5 } },
      { title: "a stepIndex past the trace", field: "stepIndex", patch: { stepIndex: 3 } },
      {
        title: "a stepId not in the trace",
        field: "stepId",
        patch: { stepIndex: undefined, stepId: id("x") },
      },
      { title: "a zero traceId", field: "traceId", patch: { traceId: ZERO } },
      { title: "a zero beneficiary", field: "beneficiary", patch: { beneficiary: ZeroAddress } },
      { title: "a malformed beneficiary", field: "beneficiary", patch: { beneficiary: "0xnot" } },
      { title: "a zero compensation", field: "compensation", patch: { compensation: 0n } },
      {
        title: "a compensation above the cap",
        field: "compensation",
        patch: { compensation: 10n * UNIT + 1n },
      },
      { title: "a short evidence digest", field: "evidenceDigest", patch: { evidenceDigest: "0x1234" } },
      { title: "an evidence URI that is not a string", field: "evidenceUri", patch: { evidenceUri: 7 } },
    ];
    for (const { title, field, patch } of invalid) {
      it(`rejects ${title} before sending (${field})`, async function () {
        const world = await loadFixture(tracedErc20);
        const parameters = { ...reportOf(world, { stepIndex: 1 }), ...patch } as ReportFailureParameters;
        await expectInvalidInput(world, field, () =>
          clientFor(world, world.reporter).reportFailure(parameters),
        );
      });
    }

    it("decodes ReportWindowClosed after the report window", async function () {
      const world = await loadFixture(tracedNative);
      const loggedAt = world.trace.steps[1].loggedAt;
      await time.increaseTo(loggedAt + 7n * DAY + 1n);
      const revert = await expectRevert(
        world,
        () => clientFor(world, world.reporter).reportFailure(reportOf(world, { stepIndex: 1 })),
        { errorName: "ReportWindowClosed" },
      );
      expect(revert.args).to.deep.include({
        stepId: world.trace.steps[1].stepId,
        deadline: loggedAt + 7n * DAY,
      });
    });

    it("decodes RegistryPaused while paused", async function () {
      const world = await loadFixture(tracedErc20);
      await clientFor(world, world.owner).setPaused({ paused: true });
      await expectRevert(
        world,
        () => clientFor(world, world.reporter).reportFailure(reportOf(world, { stepIndex: 1 })),
        {
          errorName: "RegistryPaused",
          shortMessage: "RegistryPaused()",
        },
      );
    });
  });

  describe("claimResponsibility", function () {
    for (const kind of COLLATERAL_KINDS) {
      it(`stakes the compensation and makes the claimant accountable (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind].reported);
        const operator = clientFor(world, world.operator);
        const result = await operator.claimResponsibility({ failureId: 1 });
        const claimedAt = BigInt((await ethers.provider.getBlock(result.blockNumber))!.timestamp);
        expect(result).to.include({
          failureId: 1n,
          stake: COMPENSATION,
          resolutionDeadline: claimedAt + 2n * DAY,
        });
        expect(result.events.map((event) => event.name)).to.deep.equal(["ResponsibilityClaimed"]);
        const failure = await operator.getFailure(1n);
        expect(failure).to.include({
          state: "Claimed",
          accountable: world.operator.address,
          collateral: COMPENSATION,
        });
        expect(await collateralBalance(world, world.address)).to.equal(REPORTER_BOND + COMPENSATION);
      });

      it(`decodes FailureNotClaimable(failureId=1, state=Compensated), approve included (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind].claimed);
        await clientFor(world, world.operator).compensate({ failureId: 1n });
        await expectRevert(
          world,
          () => clientFor(world, world.stranger).claimResponsibility({ failureId: 1n }),
          {
            errorName: "FailureNotClaimable",
            args: { failureId: 1n, state: "Compensated" },
            shortMessage: "FailureNotClaimable(failureId=1, state=Compensated)",
          },
        );
      });

      it(`decodes DeadlinePassed after the claim window (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind].reported);
        const deadline = await deadlineOf(world, 1n);
        await time.increaseTo(deadline + 1n);
        const revert = await expectRevert(
          world,
          () => clientFor(world, world.operator).claimResponsibility({ failureId: 1n }),
          { errorName: "DeadlinePassed" },
        );
        expect(revert.args).to.deep.include({ failureId: 1n, deadline });
        expect(revert.shortMessage).to.match(
          new RegExp(`^DeadlinePassed\\(failureId=1, deadline=${deadline}, timestamp=\\d+\\)$`),
        );
      });
    }

    it("claims several ERC-20 failures concurrently from one client (approvals never overwrite)", async function () {
      const world = await loadFixture(tracedErc20);
      const reporter = clientFor(world, world.reporter);
      for (const stepIndex of [0, 1, 2]) await reporter.reportFailure(reportOf(world, { stepIndex }));
      const operator = clientFor(world, world.operator);
      const claims = await Promise.all(
        [1n, 2n, 3n].map((failureId) => operator.claimResponsibility({ failureId })),
      );
      expect(claims.map((claim) => claim.stake)).to.deep.equal([COMPENSATION, COMPENSATION, COMPENSATION]);
      expect(
        await operator.listFailures({ accountable: world.operator.address, state: "Claimed" }),
      ).to.have.length(3);
    });

    it("throws NotFoundError for an unknown failure, sending nothing", async function () {
      const world = await loadFixture(tracedErc20);
      const error = await expectNothingSent(world, () =>
        clientFor(world, world.operator).claimResponsibility({ failureId: 9n }),
      );
      expect(error).to.be.instanceOf(NotFoundError);
      expect((error as NotFoundError).shortMessage).to.equal("failure 9 does not exist");
    });

    for (const failureId of [0n, -1n, 0, 1.5, "1"]) {
      it(`rejects failureId ${String(failureId)} (${typeof failureId}) before sending`, async function () {
        const world = await loadFixture(tracedNative);
        await expectInvalidInput(world, "failureId", () =>
          clientFor(world, world.operator).claimResponsibility({ failureId: failureId as bigint }),
        );
      });
    }
  });

  describe("contest", function () {
    it("lets the step's actor contest a report, locking its bond", async function () {
      const world = await loadFixture(reportedErc20);
      const node = clientFor(world, world.node);
      await node.bond({ amount: UNIT });
      const result = await node.contest({ failureId: 1n, reasonDigest: REASON, reasonUri: "ipfs://reason" });
      const at = BigInt((await ethers.provider.getBlock(result.blockNumber))!.timestamp);
      expect(result).to.include({
        failureId: 1n,
        locked: UNIT,
        shortfall: COMPENSATION - UNIT,
        arbitrationDeadline: at + 4n * DAY,
      });
      expect(result.events[0].args).to.deep.include({
        by: world.node.address,
        reasonDigest: REASON,
        reasonUri: "ipfs://reason",
      });
      expect((await node.getFailure(1n)).state).to.equal("Contested");
    });

    it("lets the accountable party contest without a reason", async function () {
      const world = await loadFixture(claimedNative);
      const result = await clientFor(world, world.operator).contest({ failureId: 1n });
      expect(result).to.include({ locked: COMPENSATION, shortfall: 0n });
      expect(result.events[0].args.reasonDigest).to.equal(ZERO);
    });

    it("decodes CallerNotActor and FailureNotContestable", async function () {
      const world = await loadFixture(reportedNative);
      await expectRevert(world, () => clientFor(world, world.stranger).contest({ failureId: 1n }), {
        errorName: "CallerNotActor",
        args: { failureId: 1n, caller: world.stranger.address, actor: world.node.address },
        shortMessage: `CallerNotActor(failureId=1, caller=${world.stranger.address}, actor=${world.node.address})`,
      });
      const operator = clientFor(world, world.operator);
      await operator.claimResponsibility({ failureId: 1n });
      await operator.compensate({ failureId: 1n });
      await expectRevert(world, () => operator.contest({ failureId: 1n }), {
        errorName: "FailureNotContestable",
        shortMessage: "FailureNotContestable(failureId=1, state=Compensated)",
      });
    });

    it("rejects a malformed reason before sending", async function () {
      const world = await loadFixture(reportedNative);
      const node = clientFor(world, world.node);
      await expectInvalidInput(world, "reasonDigest", () =>
        node.contest({ failureId: 1n, reasonDigest: "0x12" }),
      );
      await expectInvalidInput(world, "reasonUri", () =>
        node.contest({ failureId: 1n, reasonUri: 5 as unknown as string }),
      );
    });
  });

  describe("assignFallback", function () {
    it("makes the step's actor accountable after the claim window, recording a shortfall", async function () {
      const world = await loadFixture(reportedErc20);
      await clientFor(world, world.node).bond({ amount: UNIT / 2n });
      await time.increaseTo((await deadlineOf(world, 1n)) + 1n);
      const result = await clientFor(world, world.stranger).assignFallback({ failureId: 1n });
      expect(result).to.include({
        failureId: 1n,
        actor: world.node.address,
        locked: UNIT / 2n,
        shortfall: COMPENSATION - UNIT / 2n,
      });
      const failure = await readerFor(world).getFailure(1n);
      expect(failure).to.include({
        state: "Assigned",
        accountable: world.node.address,
        collateralFromBond: true,
      });
    });

    it("decodes DeadlineNotReached and FailureNotAssignable", async function () {
      const world = await loadFixture(reportedNative);
      const stranger = clientFor(world, world.stranger);
      const deadline = await deadlineOf(world, 1n);
      const early = await expectRevert(world, () => stranger.assignFallback({ failureId: 1n }), {
        errorName: "DeadlineNotReached",
      });
      expect(early.args).to.deep.include({ failureId: 1n, deadline });
      await clientFor(world, world.operator).claimResponsibility({ failureId: 1n });
      await expectRevert(world, () => stranger.assignFallback({ failureId: 1n }), {
        errorName: "FailureNotAssignable",
        args: { failureId: 1n, state: "Claimed" },
        shortMessage: "FailureNotAssignable(failureId=1, state=Claimed)",
      });
    });
  });

  describe("collectShortfall", function () {
    it("locks bond the node added after the fallback, and decodes NothingToCollect", async function () {
      const world = await loadFixture(reportedErc20);
      const node = clientFor(world, world.node);
      const stranger = clientFor(world, world.stranger);
      await node.bond({ amount: UNIT / 2n });
      await time.increaseTo((await deadlineOf(world, 1n)) + 1n);
      await stranger.assignFallback({ failureId: 1n });
      await expectRevert(world, () => stranger.collectShortfall({ failureId: 1n }), {
        errorName: "NothingToCollect",
        args: { failureId: 1n, shortfall: COMPENSATION - UNIT / 2n, availableBond: 0n },
      });
      await node.bond({ amount: UNIT / 4n });
      const result = await stranger.collectShortfall({ failureId: 1n });
      expect(result).to.include({
        failureId: 1n,
        actor: world.node.address,
        collected: UNIT / 4n,
        remainingShortfall: COMPENSATION - UNIT / 2n - UNIT / 4n,
      });
      const { collateral, shortfall, history } = await readerFor(world).getFailureWithHistory(1n);
      expect(collateral + shortfall).to.equal(COMPENSATION);
      expect(history.map((event) => event.name)).to.include("ShortfallCollected");
    });

    it("rejects a malformed id before sending anything", async function () {
      const world = await loadFixture(reportedNative);
      await expectInvalidInput(world, "failureId", () =>
        clientFor(world, world.stranger).collectShortfall({ failureId: 0n }),
      );
    });
  });

  describe("compensate", function () {
    for (const kind of COLLATERAL_KINDS) {
      it(`pays the beneficiary from the stake and returns the reporter's bond (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind].claimed);
        const result = await clientFor(world, world.operator).compensate({ failureId: 1n });
        expect(result).to.deep.include({
          failureId: 1n,
          outcome: "Compensated",
          accountable: world.operator.address,
          paidToBeneficiary: COMPENSATION,
          unbackedShortfall: 0n,
          credits: [
            {
              account: world.beneficiary.address,
              failureId: 1n,
              reason: "Compensation",
              amount: COMPENSATION,
            },
            {
              account: world.reporter.address,
              failureId: 1n,
              reason: "ReporterBondReturned",
              amount: REPORTER_BOND,
            },
          ],
        });
        expect(result.events.map((event) => event.name)).to.deep.equal([
          "FailureClosed",
          "Credited",
          "Credited",
        ]);
      });
    }

    it("decodes CallerNotAccountable and FailureNotResolvable", async function () {
      const world = await loadFixture(claimedNative);
      await expectRevert(world, () => clientFor(world, world.stranger).compensate({ failureId: 1n }), {
        errorName: "CallerNotAccountable",
        args: { failureId: 1n, caller: world.stranger.address, accountable: world.operator.address },
      });
      const operator = clientFor(world, world.operator);
      await operator.compensate({ failureId: 1n });
      await expectRevert(world, () => operator.compensate({ failureId: 1n }), {
        errorName: "FailureNotResolvable",
        shortMessage: "FailureNotResolvable(failureId=1, state=Compensated)",
      });
    });

    it("decodes UnknownFailure for an id never reported", async function () {
      const world = await loadFixture(claimedNative);
      await expectRevert(world, () => clientFor(world, world.operator).compensate({ failureId: 42n }), {
        errorName: "UnknownFailure",
        args: { failureId: 42n },
        shortMessage: "UnknownFailure(failureId=42)",
      });
    });
  });

  describe("proposeRemedy, acceptRemedy, rejectRemedy and finalizeRemedy", function () {
    for (const kind of COLLATERAL_KINDS) {
      it(`returns the stake when the beneficiary accepts the remedy (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind].claimed);
        const proposed = await clientFor(world, world.operator).proposeRemedy({
          failureId: 1n,
          remedyDigest: REMEDY,
          remedyUri: "ipfs://remedy",
        });
        const at = BigInt((await ethers.provider.getBlock(proposed.blockNumber))!.timestamp);
        expect(proposed).to.include({ failureId: 1n, remedyDeadline: at + 3n * DAY });
        expect(proposed.events[0].args).to.deep.include({ remedyDigest: REMEDY, remedyUri: "ipfs://remedy" });

        const accepted = await clientFor(world, world.beneficiary).acceptRemedy({ failureId: 1n });
        expect(accepted.outcome).to.equal("Remedied");
        expect(accepted.paidToBeneficiary).to.equal(0n);
        expect(
          accepted.credits.map((credit) => [credit.account, credit.reason, credit.amount]),
        ).to.deep.equal([
          [world.operator.address, "StakeReturned", COMPENSATION],
          [world.reporter.address, "ReporterBondReturned", REPORTER_BOND],
        ]);
        expect(accepted.events.map((event) => event.name)).to.deep.equal([
          "RemedyAccepted",
          "FailureClosed",
          "Credited",
          "Credited",
        ]);
      });
    }

    it("sends a rejected remedy to the arbiter", async function () {
      const world = await loadFixture(claimedNative);
      await clientFor(world, world.operator).proposeRemedy({ failureId: 1n, remedyDigest: REMEDY });
      const rejected = await clientFor(world, world.beneficiary).rejectRemedy({ failureId: 1n });
      const at = BigInt((await ethers.provider.getBlock(rejected.blockNumber))!.timestamp);
      expect(rejected).to.include({ failureId: 1n, arbitrationDeadline: at + 4n * DAY });
      expect((await readerFor(world).getFailure(1n)).state).to.equal("Contested");
    });

    it("finalizes a remedy the beneficiary left unanswered", async function () {
      const world = await loadFixture(claimedNative);
      const { remedyDeadline } = await clientFor(world, world.operator).proposeRemedy({
        failureId: 1n,
        remedyDigest: REMEDY,
      });
      const stranger = clientFor(world, world.stranger);
      await expectRevert(world, () => stranger.finalizeRemedy({ failureId: 1n }), {
        errorName: "DeadlineNotReached",
      });
      await time.increaseTo(remedyDeadline + 1n);
      expect((await stranger.finalizeRemedy({ failureId: 1n })).outcome).to.equal("Remedied");
    });

    it("decodes CallerNotBeneficiary and NoRemedyProposed", async function () {
      const world = await loadFixture(claimedNative);
      const beneficiary = clientFor(world, world.beneficiary);
      await expectRevert(world, () => beneficiary.acceptRemedy({ failureId: 1n }), {
        errorName: "NoRemedyProposed",
        args: { failureId: 1n, state: "Claimed" },
        shortMessage: "NoRemedyProposed(failureId=1, state=Claimed)",
      });
      await clientFor(world, world.operator).proposeRemedy({ failureId: 1n, remedyDigest: REMEDY });
      await expectRevert(world, () => clientFor(world, world.stranger).rejectRemedy({ failureId: 1n }), {
        errorName: "CallerNotBeneficiary",
        args: { failureId: 1n, caller: world.stranger.address, beneficiary: world.beneficiary.address },
      });
    });

    it("rejects a missing remedy digest before sending", async function () {
      const world = await loadFixture(claimedNative);
      await expectInvalidInput(world, "remedyDigest", () =>
        clientFor(world, world.operator).proposeRemedy({
          failureId: 1n,
          remedyDigest: undefined as unknown as string,
        }),
      );
    });
  });

  describe("enforce", function () {
    it("pays the beneficiary after the resolution window passes with nothing done", async function () {
      const world = await loadFixture(claimedErc20);
      const stranger = clientFor(world, world.stranger);
      const deadline = await deadlineOf(world, 1n);
      const early = await expectRevert(world, () => stranger.enforce({ failureId: 1n }), {
        errorName: "DeadlineNotReached",
      });
      expect(early.args).to.deep.include({ failureId: 1n, deadline });
      expect(early.args.timestamp as bigint).to.be.greaterThanOrEqual(BigInt(await time.latest()));
      await time.increaseTo(deadline + 1n);
      const result = await stranger.enforce({ failureId: 1n });
      expect(result).to.include({
        outcome: "Enforced",
        paidToBeneficiary: COMPENSATION,
        accountable: world.operator.address,
      });
    });
  });

  describe("rule and expireArbitration", function () {
    const rulings = [
      { ruling: "Valid", outcome: "RuledValid", reasons: ["Compensation", "ReporterBondReturned"] },
      {
        ruling: "Invalid",
        outcome: "RuledInvalid",
        reasons: ["StakeReturned", "ReporterBondAwarded", "TreasuryShare"],
      },
      { ruling: "Refused", outcome: "Drawn", reasons: ["StakeReturned", "ReporterBondReturned"] },
    ] as const;
    for (const { ruling, outcome, reasons } of rulings) {
      it(`closes a contested failure as ${outcome} on a ${ruling} ruling`, async function () {
        const world = await loadFixture(claimedNative);
        await clientFor(world, world.operator).contest({ failureId: 1n, reasonDigest: REASON });
        const result = await clientFor(world, world.arbiter).rule({ failureId: 1n, ruling });
        expect(result.outcome).to.equal(outcome);
        expect(result.events[0]).to.deep.include({ name: "ArbitrationRuled" });
        expect(result.events[0].args).to.deep.include({ ruling });
        expect(result.credits.map((credit) => credit.reason)).to.deep.equal(reasons);
      });
    }

    it("decodes CallerNotArbiter and FailureNotContested", async function () {
      const world = await loadFixture(claimedNative);
      await expectRevert(
        world,
        () => clientFor(world, world.arbiter).rule({ failureId: 1n, ruling: "Valid" }),
        {
          errorName: "FailureNotContested",
          shortMessage: "FailureNotContested(failureId=1, state=Claimed)",
        },
      );
      await clientFor(world, world.operator).contest({ failureId: 1n });
      await expectRevert(
        world,
        () => clientFor(world, world.stranger).rule({ failureId: 1n, ruling: "Valid" }),
        {
          errorName: "CallerNotArbiter",
          args: { failureId: 1n, caller: world.stranger.address, arbiter: world.arbiter.address },
        },
      );
    });

    it("rejects a ruling that is not Valid, Invalid or Refused before sending", async function () {
      const world = await loadFixture(claimedNative);
      for (const ruling of ["None", "valid", 1]) {
        const error = await expectInvalidInput(world, "ruling", () =>
          clientFor(world, world.arbiter).rule({ failureId: 1n, ruling: ruling as "Valid" }),
        );
        expect(error.value).to.equal(ruling);
      }
    });

    it("draws a contested failure once the arbitration timeout passes", async function () {
      const world = await loadFixture(claimedNative);
      const { arbitrationDeadline } = await clientFor(world, world.operator).contest({ failureId: 1n });
      await time.increaseTo(arbitrationDeadline + 1n);
      const result = await clientFor(world, world.stranger).expireArbitration({ failureId: 1n });
      expect(result.outcome).to.equal("Drawn");
    });
  });

  describe("withdraw", function () {
    for (const kind of COLLATERAL_KINDS) {
      it(`pays out the beneficiary's credits after a compensation (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind].claimed);
        await clientFor(world, world.operator).compensate({ failureId: 1n });
        const beneficiary = clientFor(world, world.beneficiary);
        const registryBefore = await collateralBalance(world, world.address);
        const strangerBefore = await collateralBalance(world, world.stranger.address);
        const result = await beneficiary.withdraw({ to: world.stranger.address });
        expect(result).to.include({ amount: COMPENSATION, to: world.stranger.address });
        expect(result.events[0].args).to.deep.equal({
          account: world.beneficiary.address,
          to: world.stranger.address,
          amount: COMPENSATION,
        });
        expect(await collateralBalance(world, world.stranger.address)).to.equal(
          strangerBefore + COMPENSATION,
        );
        expect(await collateralBalance(world, world.address)).to.equal(registryBefore - COMPENSATION);
        expect(await beneficiary.getCredit(world.beneficiary.address)).to.equal(0n);

        const reporter = await clientFor(world, world.reporter).withdraw();
        expect(reporter).to.include({ amount: REPORTER_BOND, to: world.reporter.address });
      });
    }

    it("decodes NoCredit and rejects a zero recipient before sending", async function () {
      const world = await loadFixture(tracedNative);
      const stranger = clientFor(world, world.stranger);
      await expectRevert(world, () => stranger.withdraw(), {
        errorName: "NoCredit",
        shortMessage: `NoCredit(account=${world.stranger.address})`,
      });
      const error = await expectInvalidInput(world, "to", () => stranger.withdraw({ to: ZeroAddress }));
      expect(error).to.be.instanceOf(InvalidInputError);
    });
  });
});
