import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";
import {
  BatcherClosedError,
  ContractRevertError,
  InvalidInputError,
  type BatchedStep,
  type Hex,
  type StepBatcherOptions,
} from "../../sdk/index.js";
import {
  clientFor,
  deploySdkWorld,
  expectNothingSent,
  readerFor,
  rejectionOf,
  step,
  UNIT,
  type SdkWorld,
} from "../helpers/sdk.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

const TRACE = id("sdk batcher trace") as Hex;
const OTHER = id("sdk batcher other trace") as Hex;

function openWorld() {
  return deploySdkWorld(ethers);
}
/** Logging needs an active bond of 1 unit; the node has none yet. */
function gatedWorld() {
  return deploySdkWorld(ethers, { gated: true, minimumOperatorBond: UNIT });
}

type FlushOutcome = Parameters<NonNullable<StepBatcherOptions["onFlush"]>>[0];

function batcherFor(world: SdkWorld, options: StepBatcherOptions = {}) {
  const flushes: FlushOutcome[] = [];
  const batcher = clientFor(world, world.node).createStepBatcher({
    ...options,
    onFlush: (outcome) => flushes.push(outcome),
  });
  return { batcher, flushes };
}

async function nonceOf(world: SdkWorld): Promise<number> {
  return ethers.provider.getTransactionCount(world.node.address, "pending");
}

function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}

describe("SDK: batcher", function () {
  describe("onFlush", function () {
    it("a throwing callback changes no step's outcome and escapes nowhere", async function () {
      const world = await loadFixture(openWorld);
      const calls: FlushOutcome[] = [];
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on("unhandledRejection", onUnhandled);
      try {
        const batcher = clientFor(world, world.node).createStepBatcher({
          maxSteps: 2,
          maxWaitMs: 60_000,
          onFlush: (outcome) => {
            calls.push(outcome);
            throw new Error("a bug in the caller's metrics");
          },
        });
        const results = await Promise.all([batcher.add(step(TRACE, 0)), batcher.add(step(TRACE, 1))]);
        await batcher.close();
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(results.map((result) => result.traceId)).to.deep.equal([TRACE, TRACE]);
        expect(calls).to.have.length(1);
        expect(calls[0].error).to.equal(undefined);
        expect(unhandled).to.deep.equal([]);
      } finally {
        process.off("unhandledRejection", onUnhandled);
      }
    });
  });

  describe("add", function () {
    it("flushes a batch as soon as maxSteps are queued, one transaction per batch", async function () {
      const world = await loadFixture(openWorld);
      const { batcher, flushes } = batcherFor(world, { maxSteps: 4, maxWaitMs: 60_000 });
      const steps = await Promise.all(Array.from({ length: 8 }, (_, n) => batcher.add(step(TRACE, n))));
      const transactions = distinct(steps.map((s) => s.transactionHash));
      expect(transactions).to.have.length(2);
      expect(steps.slice(0, 4).every((s) => s.transactionHash === transactions[0])).to.equal(true);
      expect(flushes.map((flush) => flush.steps)).to.deep.equal([4, 4]);
      expect(flushes.map((flush) => flush.transactionHash)).to.deep.equal(transactions);
      expect(batcher.pending).to.equal(0);
      await batcher.close();
    });

    it("flushes maxWaitMs after the first queued step", async function () {
      const world = await loadFixture(openWorld);
      const { batcher, flushes } = batcherFor(world, { maxSteps: 50, maxWaitMs: 150 });
      const started = Date.now();
      const added = [0, 1, 2].map((n) => batcher.add(step(TRACE, n)));
      expect(batcher.pending).to.equal(3);
      expect(flushes).to.have.length(0);
      const steps = await Promise.all(added);
      expect(Date.now() - started).to.be.greaterThanOrEqual(140);
      expect(distinct(steps.map((s) => s.transactionHash))).to.have.length(1);
      expect(flushes).to.have.length(1);
      await batcher.close();
    });

    it("resolves each step with its decoded id, in the order the steps were added", async function () {
      const world = await loadFixture(openWorld);
      const { batcher } = batcherFor(world, { maxSteps: 3, maxWaitMs: 10 });
      const inputs = Array.from({ length: 10 }, (_, n) => step(n % 3 === 0 ? OTHER : TRACE, n));
      const steps = await Promise.all(inputs.map((input) => batcher.add(input)));
      await batcher.close();

      const reader = readerFor(world);
      const [trace, other] = [await reader.getTrace(TRACE), await reader.getTrace(OTHER)];
      const byTrace = (traceId: Hex, logged: BatchedStep[]) =>
        logged.filter((s) => s.traceId === traceId).map((s) => s.stepId);
      expect(trace.steps.map((s) => s.stepId)).to.deep.equal(byTrace(TRACE, steps));
      expect(other.steps.map((s) => s.stepId)).to.deep.equal(byTrace(OTHER, steps));
      expect(trace.steps.map((s) => s.inputDigest)).to.deep.equal(
        inputs.filter((input) => input.traceId === TRACE).map((input) => input.inputDigest),
      );
      expect(steps.every((s) => s.actor === world.node.address && s.kind === "Compute")).to.equal(true);
      const blocks = steps.map((s) => s.blockNumber);
      expect(blocks).to.deep.equal([...blocks].sort((a, b) => a - b));
      expect((await reader.verifyTrace(TRACE)).valid).to.equal(true);
      expect((await reader.verifyTrace(OTHER)).valid).to.equal(true);
    });

    it("rejects a malformed step at once, without queueing or sending it", async function () {
      const world = await loadFixture(openWorld);
      const { batcher } = batcherFor(world, { maxSteps: 2, maxWaitMs: 60_000 });
      const error = await expectNothingSent(world, () =>
        batcher.add({ ...step(TRACE, 0), kind: "Training" as "Model" }),
      );
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).to.equal("step.kind");
      expect(batcher.pending).to.equal(0);
      await batcher.close();
    });

    it("logs steps from several concurrent callers, each trace in its caller's order", async function () {
      const world = await loadFixture(openWorld);
      const { batcher, flushes } = batcherFor(world, { maxSteps: 8, maxWaitMs: 20 });
      const traces = [0, 1, 2].map((n) => id(`concurrent trace ${n}`) as Hex);
      const loops = traces.map(async (traceId) => {
        const ids: Hex[] = [];
        let fired: Promise<BatchedStep>[] = [];
        for (let n = 0; n < 12; n++) {
          fired.push(batcher.add(step(traceId, n)));
          // Each caller fires four steps without waiting, then waits for them.
          if (fired.length === 4) {
            ids.push(...(await Promise.all(fired)).map((s) => s.stepId));
            fired = [];
          }
        }
        return ids;
      });
      const results = await Promise.all(loops);
      await batcher.close();
      const reader = readerFor(world);
      for (const [index, traceId] of traces.entries()) {
        const trace = await reader.getTrace(traceId);
        expect(trace.steps.map((s) => s.stepId)).to.deep.equal(results[index]);
        expect((await reader.verifyTrace(trace)).valid).to.equal(true);
      }
      expect(flushes.reduce((sum, flush) => sum + flush.steps, 0)).to.equal(36);
      expect(flushes.every((flush) => flush.error === undefined)).to.equal(true);
    });
  });

  describe("a failing flush", function () {
    it("rejects every step of the batch with the same decoded error, and sends nothing twice", async function () {
      const world = await loadFixture(gatedWorld);
      const { batcher, flushes } = batcherFor(world, { maxSteps: 3, maxWaitMs: 60_000 });
      const before = await nonceOf(world);
      const outcomes = await Promise.allSettled([0, 1, 2].map((n) => batcher.add(step(TRACE, n))));
      const errors = outcomes.map((outcome) => (outcome.status === "rejected" ? outcome.reason : undefined));
      expect(errors[0]).to.be.instanceOf(ContractRevertError);
      expect(errors[1]).to.equal(errors[0]);
      expect(errors[2]).to.equal(errors[0]);
      const revert = errors[0] as ContractRevertError;
      expect(revert.errorName).to.equal("OperatorBondTooLow");
      expect(revert.shortMessage).to.equal(
        `OperatorBondTooLow(actor=${world.node.address}, activeBond=0, minimum=${UNIT})`,
      );
      expect(flushes).to.deep.equal([{ steps: 3, error: revert }]);
      expect(await nonceOf(world)).to.equal(before);

      // The batcher keeps working; the failed steps are not resent.
      await clientFor(world, world.node).bond({ amount: UNIT });
      const logged = await Promise.all([10, 11, 12].map((n) => batcher.add(step(TRACE, n))));
      await batcher.close();
      const trace = await readerFor(world).getTrace(TRACE);
      expect(trace.steps.map((s) => s.stepId)).to.deep.equal(logged.map((s) => s.stepId));
      expect(await nonceOf(world)).to.equal(before + 2); // the bond and one batch
    });

    it("rejects only the batch that failed; batches before and after it are logged once", async function () {
      const world = await loadFixture(gatedWorld);
      await clientFor(world, world.node).bond({ amount: UNIT });
      const admin = clientFor(world, world.owner);
      const { batcher } = batcherFor(world, { maxSteps: 2, maxWaitMs: 60_000 });
      const first = await Promise.all([0, 1].map((n) => batcher.add(step(TRACE, n))));
      await admin.setPaused({ paused: true });
      const failed = await Promise.allSettled([2, 3].map((n) => batcher.add(step(TRACE, n))));
      await admin.setPaused({ paused: false });
      const last = await Promise.all([4, 5].map((n) => batcher.add(step(TRACE, n))));
      await batcher.close();

      expect(failed.map((outcome) => outcome.status)).to.deep.equal(["rejected", "rejected"]);
      const reason = (failed[0] as PromiseRejectedResult).reason as ContractRevertError;
      expect(reason.errorName).to.equal("RegistryPaused");
      const trace = await readerFor(world).getTrace(TRACE);
      expect(trace.steps.map((s) => s.stepId)).to.deep.equal([...first, ...last].map((s) => s.stepId));
      expect(trace.steps.map((s) => s.inputDigest)).to.deep.equal(
        [0, 1, 4, 5].map((n) => step(TRACE, n).inputDigest),
      );
    });
  });

  describe("close", function () {
    it("flushes what is queued, waits for it, then refuses new steps with BatcherClosedError", async function () {
      const world = await loadFixture(openWorld);
      const { batcher, flushes } = batcherFor(world, { maxSteps: 50, maxWaitMs: 60_000 });
      const added = [0, 1, 2, 3, 4].map((n) => batcher.add(step(TRACE, n)));
      await batcher.close();
      expect(batcher.pending).to.equal(0);
      expect(flushes.map((flush) => flush.steps)).to.deep.equal([5]);
      const steps = await Promise.all(added);
      expect((await readerFor(world).getTrace(TRACE)).storedHead).to.equal(steps[4].stepId);

      const error = await expectNothingSent(world, () => batcher.add(step(TRACE, 5)));
      expect(error).to.be.instanceOf(BatcherClosedError);
      expect((error as BatcherClosedError).name).to.equal("BatcherClosedError");
      await batcher.close();
    });

    it("waits for batches already in flight", async function () {
      const world = await loadFixture(openWorld);
      const { batcher } = batcherFor(world, { maxSteps: 2, maxWaitMs: 60_000 });
      let settled = 0;
      const added = [0, 1, 2, 3, 4].map((n) => batcher.add(step(TRACE, n)).then(() => settled++));
      await batcher.close();
      expect(settled).to.equal(5);
      await Promise.all(added);
    });

    it("resolves at once with nothing queued", async function () {
      const world = await loadFixture(openWorld);
      const { batcher, flushes } = batcherFor(world);
      await batcher.close();
      expect(flushes).to.have.length(0);
      expect(await rejectionOf(batcher.add(step(TRACE, 0)))).to.be.instanceOf(BatcherClosedError);
    });
  });

  describe("options", function () {
    for (const [field, options] of [
      ["maxSteps", { maxSteps: 0 }],
      ["maxSteps", { maxSteps: 257 }],
      ["maxSteps", { maxSteps: 2.5 }],
      ["maxWaitMs", { maxWaitMs: -1 }],
      ["maxWaitMs", { maxWaitMs: Number.NaN }],
    ] as const) {
      it(`rejects ${JSON.stringify(options)} (${field})`, async function () {
        const world = await loadFixture(openWorld);
        const node = clientFor(world, world.node);
        expect(() => node.createStepBatcher(options))
          .to.throw(InvalidInputError)
          .with.property("field", field);
      });
    }
  });
});
