import { expect } from "chai";
import { id, ZeroAddress } from "ethers";
import { network } from "hardhat";
import {
  NotFoundError,
  type FailureView,
  type Hex,
  type ListFailuresParameters,
  type ReportFailureParameters,
} from "../../sdk/index.js";
import { DAY } from "../helpers/registry.js";
import {
  clientFor,
  COLLATERAL_KINDS,
  deploySdkWorld,
  EVIDENCE,
  expectInvalidInput,
  expectNothingSent,
  expectRevert,
  readerFor,
  REASON,
  step,
  UNIT,
  type CollateralKind,
  type SdkWorld,
} from "../helpers/sdk.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

const TRACE = id("sdk reads trace") as Hex;
const TRACE2 = id("sdk reads trace 2") as Hex;
const COMPENSATION = UNIT;
const REPORTER_BOND = 10n ** 16n;

function report(world: SdkWorld, traceId: Hex, stepIndex: number): ReportFailureParameters {
  return {
    traceId,
    stepIndex,
    beneficiary: world.beneficiary.address,
    compensation: COMPENSATION,
    evidenceDigest: EVIDENCE,
  };
}

/**
 * Four failures: 1 (node, reported by `reporter`) compensated by the operator; 2 (node,
 * `reporter`) still Reported; 3 (node2, reported by `stranger`) Claimed by the operator;
 * 4 (node2, `reporter`) contested by node2, whose bond is locked.
 */
async function fourFailures(collateral: CollateralKind) {
  const world = await deploySdkWorld(ethers, { collateral });
  await clientFor(world, world.node).logSteps({ steps: [0, 1, 2].map((n) => step(TRACE, n)) });
  await clientFor(world, world.node2).logSteps({ steps: [0, 1].map((n) => step(TRACE2, n)) });
  await clientFor(world, world.node2).bond({ amount: 3n * UNIT });
  const reporter = clientFor(world, world.reporter);
  const operator = clientFor(world, world.operator);
  await reporter.reportFailure(report(world, TRACE, 0));
  await reporter.reportFailure(report(world, TRACE, 1));
  await clientFor(world, world.stranger).reportFailure(report(world, TRACE2, 0));
  await reporter.reportFailure(report(world, TRACE2, 1));
  await operator.claimResponsibility({ failureId: 1n });
  await operator.compensate({ failureId: 1n });
  await operator.claimResponsibility({ failureId: 3n });
  await clientFor(world, world.node2).contest({ failureId: 4n, reasonDigest: REASON });
  return world;
}
function fourNative() {
  return fourFailures("native");
}
function fourErc20() {
  return fourFailures("erc20");
}
const FIXTURES = { native: fourNative, erc20: fourErc20 } as const;

function ids(failures: FailureView[]): bigint[] {
  return failures.map((failure) => failure.failureId);
}

describe("SDK: reads", function () {
  describe("getFailure", function () {
    it("returns a failure's full state with enums by name", async function () {
      const world = await loadFixture(fourNative);
      const reader = readerFor(world);
      const trace = await reader.getTrace(TRACE);
      const failure = await reader.getFailure(1n);
      expect(failure).to.deep.equal({
        failureId: 1n,
        traceId: TRACE,
        stepId: trace.steps[0].stepId,
        actor: world.node.address,
        state: "Compensated",
        open: false,
        collateralFromBond: false,
        parametersVersion: 1,
        reportedAt: failure.reportedAt,
        reporter: world.reporter.address,
        deadline: failure.deadline,
        beneficiary: world.beneficiary.address,
        accountable: world.operator.address,
        compensation: COMPENSATION,
        reporterBond: REPORTER_BOND,
        collateral: COMPENSATION,
        shortfall: 0n,
      });
      expect(await reader.getFailure(4)).to.deep.include({
        state: "Contested",
        open: true,
        collateralFromBond: true,
        accountable: world.node2.address,
      });
      expect((await reader.getFailure(2n)).accountable).to.equal(ZeroAddress);
    });

    it("throws NotFoundError for an id never reported, and rejects id 0", async function () {
      const world = await loadFixture(fourNative);
      const reader = readerFor(world);
      const error = await expectNothingSent(world, () => reader.getFailure(5n));
      expect(error).to.be.instanceOf(NotFoundError);
      await expectInvalidInput(world, "failureId", () => reader.getFailure(0n));
    });
  });

  describe("getFailureWithHistory", function () {
    it("returns every event that touched a failure, in order, credits included", async function () {
      const world = await loadFixture(fourNative);
      const { history, state } = await readerFor(world).getFailureWithHistory(1n);
      expect(state).to.equal("Compensated");
      expect(history.map((event) => event.name)).to.deep.equal([
        "FailureReported",
        "ResponsibilityClaimed",
        "FailureClosed",
        "Credited",
        "Credited",
      ]);
      expect(history[2].args).to.deep.include({ outcome: "Compensated", paidToBeneficiary: COMPENSATION });
      expect(history[3].args).to.deep.include({ reason: "Compensation", account: world.beneficiary.address });
      const blocks = history.map((event) => event.blockNumber * 1000 + event.logIndex);
      expect(blocks).to.deep.equal([...blocks].sort((a, b) => a - b));
    });

    it("includes the bond restored to a node ruled against wrongly", async function () {
      const world = await loadFixture(fourNative);
      await clientFor(world, world.arbiter).rule({ failureId: 4n, ruling: "Invalid" });
      const { history } = await readerFor(world).getFailureWithHistory(4n);
      expect(history.map((event) => event.name)).to.deep.equal([
        "FailureReported",
        "FailureContested",
        "ArbitrationRuled",
        "FailureClosed",
        "BondRestored",
        "Credited",
        "Credited",
      ]);
      expect(history[2].args.ruling).to.equal("Invalid");
      expect(history.slice(5).map((event) => event.args.reason)).to.deep.equal([
        "ReporterBondAwarded",
        "TreasuryShare",
      ]);
    });
  });

  describe("listFailures", function () {
    const cases: {
      title: string;
      filters: ListFailuresParameters;
      expected: bigint[];
    }[] = [
      { title: "every failure with no filter", filters: {}, expected: [1n, 2n, 3n, 4n] },
      { title: "the failures of one actor", filters: { actor: "node" }, expected: [1n, 2n] },
      { title: "by reporter", filters: { reporter: "stranger" }, expected: [3n] },
      { title: "by accountable party", filters: { accountable: "operator" }, expected: [1n, 3n] },
      { title: "by one state", filters: { state: "Compensated" }, expected: [1n] },
      { title: "by several states", filters: { state: ["Claimed", "Contested"] }, expected: [3n, 4n] },
      { title: "open failures", filters: { state: "open" }, expected: [2n, 3n, 4n] },
      { title: "an actor's open failures", filters: { actor: "node", state: "open" }, expected: [2n] },
      {
        title: "actor and reporter together",
        filters: { actor: "node2", reporter: "reporter" },
        expected: [4n],
      },
    ];
    for (const { title, filters, expected } of cases) {
      it(`lists ${title}`, async function () {
        const world = await loadFixture(fourNative);
        const address = (role: string | undefined) =>
          role === undefined ? undefined : (world[role as "node"] as { address: string }).address;
        const resolved = {
          ...filters,
          actor: address(filters.actor),
          reporter: address(filters.reporter),
          accountable: address(filters.accountable),
        };
        expect(ids(await readerFor(world).listFailures(resolved))).to.deep.equal(expected);
      });
    }

    it("rejects malformed addresses before reading", async function () {
      const world = await loadFixture(fourNative);
      const reader = readerFor(world);
      await expectInvalidInput(world, "actor", () => reader.listFailures({ actor: "0x123" }));
      await expectInvalidInput(world, "reporter", () => reader.listFailures({ reporter: "me" }));
      await expectInvalidInput(world, "accountable", () => reader.listFailures({ accountable: "" }));
    });
  });

  describe("getLedger", function () {
    for (const kind of COLLATERAL_KINDS) {
      it(`returns an address's record, steps counted from events (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind]);
        const reader = readerFor(world);
        const node = await reader.getLedger(world.node.address);
        expect(node).to.include({ account: world.node.address, stepsLogged: 3, failuresAttributed: 2 });
        const operator = await reader.getLedger(world.operator.address.toLowerCase());
        expect(operator).to.include({
          account: world.operator.address,
          stepsLogged: 0,
          failuresClaimed: 2,
          failuresCompensated: 1,
          amountPaid: COMPENSATION,
          amountSlashed: 0n,
        });
        const beneficiary = await reader.getLedger(world.beneficiary.address);
        expect(beneficiary).to.include({ amountReceived: COMPENSATION, credit: COMPENSATION });
        const node2 = await reader.getLedger(world.node2.address);
        expect(node2).to.include({ stepsLogged: 2, failuresAttributed: 2, failuresContested: 1 });
        expect(node2.bond).to.deep.equal({
          amount: 2n * UNIT,
          unbonding: 0n,
          unbondableAt: 0n,
          openFailures: 2,
          active: 2n * UNIT,
        });
        expect((await reader.getLedger(world.reporter.address)).failuresReported).to.equal(3);
      });
    }

    it("rejects a malformed account", async function () {
      const world = await loadFixture(fourNative);
      await expectInvalidInput(world, "account", () => readerFor(world).getLedger("0xzz"));
    });
  });

  describe("getCredit, getBond, getNonce and getFailureCount", function () {
    it("read one value each", async function () {
      const world = await loadFixture(fourErc20);
      const reader = readerFor(world);
      expect(await reader.getCredit(world.beneficiary.address)).to.equal(COMPENSATION);
      expect(await reader.getCredit(world.reporter.address)).to.equal(REPORTER_BOND);
      expect((await reader.getBond(world.node2.address)).openFailures).to.equal(2);
      expect(await reader.getNonce(world.node.address)).to.equal(0n);
      expect(await reader.getFailureCount()).to.equal(4n);
      await expectInvalidInput(world, "operator", () => reader.getBond("nope"));
      await expectInvalidInput(world, "signer", () => reader.getNonce("0x"));
    });
  });

  describe("getConfig and getTotals", function () {
    for (const kind of COLLATERAL_KINDS) {
      it(`read the configuration and what the registry owes (${kind})`, async function () {
        const world = await loadFixture(FIXTURES[kind]);
        const reader = readerFor(world);
        expect(await reader.getConfig()).to.deep.equal({
          parameters: world.parameters,
          parametersVersion: 1,
          minimumOperatorBond: 0n,
          paused: false,
          gatedLogging: false,
          collateralToken: world.token === undefined ? ZeroAddress : await world.token.getAddress(),
          owner: world.owner.address,
          maxBatchSize: 256,
        });
        expect(await reader.getTotals()).to.deep.equal({
          bonded: 2n * UNIT,
          reporterBonds: 3n * REPORTER_BOND,
          staked: 2n * COMPENSATION,
          credits: COMPENSATION + REPORTER_BOND,
        });
      });
    }
  });

  describe("setParameters and getParametersAt", function () {
    it("publishes a new version; unspecified fields keep their value; reported failures keep theirs", async function () {
      const world = await loadFixture(fourNative);
      const admin = clientFor(world, world.owner);
      const result = await admin.setParameters({
        claimWindow: 2n * DAY,
        unbondingDelay: 18n * DAY,
        reporterBond: 2n * REPORTER_BOND,
      });
      expect(result.version).to.equal(2);
      expect(result.events[0].name).to.equal("ParametersUpdated");
      expect(await admin.getParametersAt(2)).to.deep.equal({
        ...world.parameters,
        claimWindow: 2n * DAY,
        unbondingDelay: 18n * DAY,
        reporterBond: 2n * REPORTER_BOND,
      });
      expect(await admin.getParametersAt(1)).to.deep.equal(world.parameters);
      expect((await admin.getConfig()).parametersVersion).to.equal(2);
      expect((await admin.getFailure(2n)).parametersVersion).to.equal(1);
      const next = await clientFor(world, world.reporter).reportFailure(report(world, TRACE, 2));
      expect(next.reporterBond).to.equal(2n * REPORTER_BOND);
    });

    it("decodes ParameterOutOfBounds with the parameter's name", async function () {
      const world = await loadFixture(fourNative);
      await expectRevert(world, () => clientFor(world, world.owner).setParameters({ claimWindow: 60n }), {
        errorName: "ParameterOutOfBounds",
        args: { name: "claimWindow", value: 60n, minimum: 3600n, maximum: 90n * DAY },
        shortMessage: `ParameterOutOfBounds(name="claimWindow", value=60, minimum=3600, maximum=${90n * DAY})`,
      });
    });

    it("decodes OwnableUnauthorizedAccount for a caller that is not the owner", async function () {
      const world = await loadFixture(fourNative);
      await expectRevert(
        world,
        () => clientFor(world, world.stranger).setParameters({ claimWindow: 2n * DAY }),
        {
          errorName: "OwnableUnauthorizedAccount",
          args: { account: world.stranger.address },
        },
      );
    });

    it("rejects malformed values before sending", async function () {
      const world = await loadFixture(fourNative);
      const admin = clientFor(world, world.owner);
      await expectInvalidInput(world, "arbiter", () => admin.setParameters({ arbiter: ZeroAddress }));
      await expectInvalidInput(world, "treasury", () => admin.setParameters({ treasury: "0x1" }));
      await expectInvalidInput(world, "claimWindow", () => admin.setParameters({ claimWindow: 0n }));
      await expectInvalidInput(world, "reportWindow", () => admin.setParameters({ reportWindow: -5n }));
      expect((await admin.setParameters({ treasuryShareBps: 0n })).version).to.equal(2);
    });
  });

  describe("setMinimumOperatorBond and setPaused", function () {
    it("set the minimum bond and the pause flag", async function () {
      const world = await loadFixture(fourNative);
      const admin = clientFor(world, world.owner);
      const minimum = await admin.setMinimumOperatorBond({ minimum: UNIT });
      expect(minimum.events[0].args).to.deep.equal({ previousMinimum: 0n, newMinimum: UNIT });
      const paused = await admin.setPaused({ paused: true });
      expect(paused.events[0].args).to.deep.equal({ paused: true });
      expect(await admin.getConfig()).to.deep.include({ minimumOperatorBond: UNIT, paused: true });
      await expectRevert(
        world,
        () => clientFor(world, world.operator).claimResponsibility({ failureId: 2n }),
        {
          errorName: "RegistryPaused",
        },
      );
      await admin.setPaused({ paused: false });
      expect((await admin.getConfig()).paused).to.equal(false);
    });

    it("rejects malformed values before sending", async function () {
      const world = await loadFixture(fourNative);
      const admin = clientFor(world, world.owner);
      await expectInvalidInput(world, "minimum", () => admin.setMinimumOperatorBond({ minimum: -1n }));
      await expectInvalidInput(world, "paused", () =>
        admin.setPaused({ paused: "yes" as unknown as boolean }),
      );
    });
  });

  describe("transferOwnership and acceptOwnership", function () {
    it("hands the registry over in two steps", async function () {
      const world = await loadFixture(fourNative);
      const started = await clientFor(world, world.owner).transferOwnership({
        newOwner: world.stranger.address,
      });
      expect(started.events[0].name).to.equal("OwnershipTransferStarted");
      expect((await readerFor(world).getConfig()).owner).to.equal(world.owner.address);
      await clientFor(world, world.stranger).acceptOwnership();
      expect((await readerFor(world).getConfig()).owner).to.equal(world.stranger.address);
      await expectInvalidInput(world, "newOwner", () =>
        clientFor(world, world.stranger).transferOwnership({ newOwner: ZeroAddress }),
      );
      await expectRevert(world, () => clientFor(world, world.operator).acceptOwnership(), {
        errorName: "OwnableUnauthorizedAccount",
        shortMessage: `OwnableUnauthorizedAccount(account=${world.operator.address})`,
      });
    });
  });

  describe("decodeLog", function () {
    it("decodes any registry log and refuses logs of other contracts", async function () {
      const world = await loadFixture(fourErc20);
      const reader = readerFor(world);
      const { receipt } = await clientFor(world, world.beneficiary).withdraw();
      const [tokenTransfer, withdrawn] = [
        receipt.logs.find((log) => log.address !== world.address)!,
        receipt.logs.find((log) => log.address === world.address)!,
      ];
      expect(reader.decodeLog(withdrawn)).to.deep.include({
        name: "Withdrawn",
        blockNumber: receipt.blockNumber,
      });
      expect(() => reader.decodeLog(tokenTransfer)).to.throw(/is not a registry event/);
    });
  });
});
