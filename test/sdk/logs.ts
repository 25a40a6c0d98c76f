import { expect } from "chai";
import { id, makeError, type Filter, type FilterByBlockHash, type Log, type Provider } from "ethers";
import { network } from "hardhat";
import {
  createOnusReader,
  InvalidInputError,
  isRangeTooLarge,
  isRateLimited,
  queryLogs,
  RpcRequestError,
  type Hex,
  type LogScanProgress,
  type RegistryEvent,
  type TraceStep,
} from "../../sdk/index.js";
import { clientFor, deploySdkWorld, EVIDENCE, readerFor, rejectionOf, step } from "../helpers/sdk.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

const TRACE = id("sdk logs trace") as Hex;
const OTHER = id("sdk logs other trace") as Hex;

/** A registry whose node logged 12 steps of TRACE in 12 blocks, with other traffic between them. */
async function spreadWorld() {
  const world = await deploySdkWorld(ethers);
  const node = clientFor(world, world.node);
  const node2 = clientFor(world, world.node2);
  for (let n = 0; n < 12; n++) {
    await node.logStep(step(TRACE, n));
    await node2.logStep(step(OTHER, n));
  }
  const deploymentBlock = (await ethers.provider.getBlockNumber()) - 24;
  return { ...world, deploymentBlock };
}
function openWorld() {
  return deploySdkWorld(ethers);
}

/** The real in-process provider, with `getLogs` intercepted; the chain stays real. */
function interceptGetLogs(
  intercept: (filter: Filter | FilterByBlockHash, call: number) => Error | undefined,
): { provider: Provider; calls: () => number } {
  const target = ethers.provider;
  let calls = 0;
  const provider: Provider = new Proxy(target, {
    get(inner, property, receiver) {
      if (property === "getLogs") {
        return async (filter: Filter | FilterByBlockHash): Promise<Log[]> => {
          calls++;
          const error = intercept(filter, calls);
          if (error !== undefined) throw error;
          return inner.getLogs(filter);
        };
      }
      if (property === "provider") return receiver;
      const value: unknown = Reflect.get(inner, property, inner);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(inner) : value;
    },
  });
  return { provider, calls: () => calls };
}

/** What an RPC endpoint answers when it rate limits (JSON-RPC -32005 inside an ethers error). */
function rateLimitError(): Error {
  return makeError("could not coalesce error", "UNKNOWN_ERROR", {
    error: { code: -32005, message: "daily request count exceeded, request rate limited" },
  });
}

function logKey(log: Log): string {
  return `${log.transactionHash}#${log.index}`;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function settle(ms = 150): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

describe("SDK: logs and watchers", function () {
  describe("queryLogs", function () {
    it("splits the range into chunks, reports progress after each, and finds the same logs", async function () {
      const world = await loadFixture(spreadWorld);
      const latest = await ethers.provider.getBlockNumber();
      const filter = { address: world.address, topics: [null, TRACE] };
      const progress: LogScanProgress[] = [];
      const chunked = await queryLogs(ethers.provider, filter, {
        fromBlock: world.deploymentBlock,
        chunkSize: 3,
        onProgress: (update) => progress.push(update),
      });
      const whole = await ethers.provider.getLogs({ ...filter, fromBlock: 0, toBlock: latest });
      expect(chunked.map(logKey)).to.deep.equal(whole.map(logKey));
      expect(chunked).to.have.length(12);

      const span = latest - world.deploymentBlock + 1;
      expect(progress).to.have.length(Math.ceil(span / 3));
      expect(progress.map((update) => update.scannedTo)).to.deep.equal(
        progress.map((_, index) => Math.min(latest, world.deploymentBlock + 3 * (index + 1) - 1)),
      );
      expect(progress.at(-1)).to.deep.equal({
        fromBlock: world.deploymentBlock,
        toBlock: latest,
        scannedTo: latest,
        logs: 12,
      });
    });

    it("gives the same trace and ledger through a reader with a tiny chunk size", async function () {
      const world = await loadFixture(spreadWorld);
      const reference = readerFor(world);
      const tiny = createOnusReader({
        address: world.address,
        runner: ethers.provider,
        deploymentBlock: world.deploymentBlock,
        logChunkSize: 2,
      });
      const progress: LogScanProgress[] = [];
      const trace = await tiny.getTrace(TRACE, { onProgress: (update) => progress.push(update) });
      expect(trace).to.deep.equal(await reference.getTrace(TRACE));
      expect(progress.length).to.be.greaterThanOrEqual(12);
      expect(await tiny.getLedger(world.node2.address)).to.deep.equal(
        await reference.getLedger(world.node2.address),
      );
      const perCall = await reference.getTrace(TRACE, { fromBlock: world.deploymentBlock, chunkSize: 1 });
      expect(perCall).to.deep.equal(trace);
    });

    it("retries rate-limited requests with backoff", async function () {
      const world = await loadFixture(spreadWorld);
      const { provider, calls } = interceptGetLogs((_, call) => (call <= 2 ? rateLimitError() : undefined));
      const reader = createOnusReader({ address: world.address, runner: provider });
      const trace = await reader.getTrace(TRACE);
      expect(trace).to.deep.equal(await readerFor(world).getTrace(TRACE));
      expect(calls()).to.equal(3);
    });

    it("gives up with RpcRequestError after maxRetries", async function () {
      const world = await loadFixture(spreadWorld);
      const { provider, calls } = interceptGetLogs(() => rateLimitError());
      const reader = createOnusReader({ address: world.address, runner: provider, maxRetries: 1 });
      const error = await rejectionOf(reader.getTrace(TRACE));
      expect(error).to.be.instanceOf(RpcRequestError);
      expect((error as RpcRequestError).shortMessage).to.equal(
        "the RPC endpoint is rate limiting requests (gave up after 1 retries)",
      );
      expect(calls()).to.equal(2);
    });

    it("halves the chunk when the endpoint refuses a range as too large", async function () {
      const world = await loadFixture(spreadWorld);
      const { provider } = interceptGetLogs((filter) => {
        const { fromBlock, toBlock } = filter as { fromBlock: number; toBlock: number };
        return toBlock - fromBlock + 1 > 5 ? new Error("query returned more than 10000 results") : undefined;
      });
      const progress: LogScanProgress[] = [];
      const logs = await queryLogs(
        provider,
        { address: world.address, topics: [null, TRACE] },
        { fromBlock: world.deploymentBlock, chunkSize: 20, onProgress: (update) => progress.push(update) },
      );
      expect(logs).to.have.length(12);
      expect(progress.length).to.be.greaterThan(1);
    });

    it("does not retry other errors, and wraps them in an OnusError", async function () {
      const world = await loadFixture(spreadWorld);
      const { provider, calls } = interceptGetLogs(() => new Error("connection reset"));
      const error = await rejectionOf(
        createOnusReader({ address: world.address, runner: provider }).getTrace(TRACE),
      );
      expect(error).to.be.instanceOf(RpcRequestError);
      expect((error as RpcRequestError).shortMessage).to.equal(
        "query the registry's logs failed: connection reset",
      );
      expect(calls()).to.equal(1);
    });
  });

  describe("isRateLimited and isRangeTooLarge", function () {
    it("recognise the wording of common endpoints", function () {
      expect(isRateLimited(rateLimitError())).to.equal(true);
      expect(isRateLimited({ status: 429 })).to.equal(true);
      expect(isRateLimited(new Error("Too Many Requests"))).to.equal(true);
      expect(isRateLimited({ error: { message: "exceeded its compute units capacity" } })).to.equal(true);
      expect(isRateLimited(new Error("execution reverted"))).to.equal(false);
      expect(isRangeTooLarge(new Error("eth_getLogs block range is too wide"))).to.equal(true);
      expect(isRangeTooLarge({ error: { message: "query returned more than 10000 results" } })).to.equal(
        true,
      );
      expect(isRangeTooLarge({ cause: new Error("Log response size exceeded") })).to.equal(true);
      expect(isRangeTooLarge(rateLimitError())).to.equal(false);
    });
  });

  describe("watchSteps", function () {
    it("delivers new steps of a trace in order, and nothing after unwatch", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      await node.logStep(step(TRACE, 0)); // before the watch: not delivered
      const seen: Omit<TraceStep, "index">[] = [];
      const unwatch = readerFor(world).watchSteps({ traceId: TRACE, onStep: (s) => seen.push(s) });
      await unwatch.ready;

      const batch = await node.logSteps({ steps: [step(TRACE, 1), step(OTHER, 1), step(TRACE, 2)] });
      const single = await clientFor(world, world.node2).logStep(step(TRACE, 3, "Verification"));
      await waitFor(() => seen.length >= 3, "three steps");
      expect(seen.map((s) => s.stepId)).to.deep.equal([
        batch.steps[0].stepId,
        batch.steps[2].stepId,
        single.stepId,
      ]);
      expect(seen[2]).to.deep.include({
        actor: world.node2.address,
        kind: "Verification",
        uri: "ipfs://step/3",
      });
      expect(seen[2].blockNumber).to.equal(single.blockNumber);

      unwatch();
      unwatch(); // safe twice
      await node.logStep(step(TRACE, 4));
      await settle();
      expect(seen).to.have.length(3);
    });

    it("filters by actor, and replays from a past block with fromBlock", async function () {
      const world = await loadFixture(openWorld);
      const first = await clientFor(world, world.node).logStep(step(TRACE, 0));
      const seen: string[] = [];
      const unwatch = readerFor(world).watchSteps({
        actor: world.node.address,
        fromBlock: first.blockNumber,
        onStep: (s) => seen.push(s.stepId),
      });
      await unwatch.ready;
      await clientFor(world, world.node2).logStep(step(OTHER, 0));
      const second = await clientFor(world, world.node).logStep(step(OTHER, 1));
      await waitFor(() => seen.length >= 2, "two steps");
      await settle(60);
      unwatch();
      expect(seen).to.deep.equal([first.stepId, second.stepId]);
    });

    it("reports a throwing callback to onError and keeps watching", async function () {
      const world = await loadFixture(openWorld);
      const errors: unknown[] = [];
      const seen: string[] = [];
      const unwatch = readerFor(world).watchSteps({
        traceId: TRACE,
        onStep: (s) => {
          seen.push(s.stepId);
          if (seen.length === 1) throw new Error("consumer failed");
        },
        onError: (error) => errors.push(error),
      });
      await unwatch.ready;
      const node = clientFor(world, world.node);
      await node.logStep(step(TRACE, 0));
      await node.logStep(step(TRACE, 1));
      await waitFor(() => seen.length >= 2, "two steps");
      unwatch();
      expect(errors).to.have.length(1);
      expect((errors[0] as Error).message).to.equal("consumer failed");
    });
  });

  describe("watchFailures", function () {
    it("delivers new failures against the given actors only", async function () {
      const world = await loadFixture(openWorld);
      await clientFor(world, world.node).logSteps({ steps: [step(TRACE, 0), step(TRACE, 1)] });
      await clientFor(world, world.node2).logStep(step(OTHER, 0));
      const mine: RegistryEvent[] = [];
      const all: RegistryEvent[] = [];
      const reader = readerFor(world);
      const stopMine = reader.watchFailures({
        actors: [world.node.address],
        onFailure: (event) => mine.push(event),
      });
      const stopAll = reader.watchFailures({ onFailure: (event) => all.push(event) });
      await Promise.all([stopMine.ready, stopAll.ready]);

      const reporter = clientFor(world, world.reporter);
      const report = { beneficiary: world.beneficiary.address, compensation: 1n, evidenceDigest: EVIDENCE };
      await reporter.reportFailure({ ...report, traceId: TRACE, stepIndex: 1 });
      await reporter.reportFailure({ ...report, traceId: OTHER, stepIndex: 0 });
      await reporter.reportFailure({ ...report, traceId: TRACE, stepIndex: 0 });
      await waitFor(() => all.length >= 3 && mine.length >= 2, "three failures");
      stopMine();
      stopAll();
      expect(mine.map((event) => event.args.failureId)).to.deep.equal([1n, 3n]);
      expect(all.map((event) => [event.args.failureId, event.args.actor])).to.deep.equal([
        [1n, world.node.address],
        [2n, world.node2.address],
        [3n, world.node.address],
      ]);
      expect(mine[0]).to.deep.include({ name: "FailureReported" });
      expect(mine[0].args).to.deep.include({ reporter: world.reporter.address, compensation: 1n });
    });

    it("rejects a malformed actor, and an empty list of actors, at once", async function () {
      const world = await loadFixture(openWorld);
      expect(() => readerFor(world).watchFailures({ actors: [], onFailure: () => undefined }))
        .to.throw(InvalidInputError)
        .with.property("field", "actors");
      expect(() => readerFor(world).watchFailures({ actors: ["0x1"], onFailure: () => undefined }))
        .to.throw(/actors\[0\]: 0x1 is not an address/)
        .with.property("field", "actors[0]");
    });
  });

  describe("watchFailure", function () {
    it("delivers the events of one failure in order, and nothing after unwatch", async function () {
      const world = await loadFixture(openWorld);
      await clientFor(world, world.node).logSteps({ steps: [step(TRACE, 0), step(TRACE, 1)] });
      const reporter = clientFor(world, world.reporter);
      const report = {
        traceId: TRACE,
        beneficiary: world.beneficiary.address,
        compensation: 1n,
        evidenceDigest: EVIDENCE,
      };
      await reporter.reportFailure({ ...report, stepIndex: 0 });
      await reporter.reportFailure({ ...report, stepIndex: 1 });

      const events: RegistryEvent[] = [];
      const unwatch = readerFor(world).watchFailure({
        failureId: 2n,
        onEvent: (event) => events.push(event),
      });
      await unwatch.ready;
      const operator = clientFor(world, world.operator);
      await operator.claimResponsibility({ failureId: 1n });
      await operator.claimResponsibility({ failureId: 2n });
      await operator.compensate({ failureId: 2n });
      await waitFor(() => events.length >= 2, "two events");
      unwatch();
      await operator.compensate({ failureId: 1n });
      await clientFor(world, world.beneficiary).withdraw();
      await settle();
      expect(events.map((event) => event.name)).to.deep.equal(["ResponsibilityClaimed", "FailureClosed"]);
      expect(events.every((event) => event.args.failureId === 2n)).to.equal(true);
      expect(events[1].args).to.deep.include({ outcome: "Compensated", paidToBeneficiary: 1n });
    });

    it("rejects failure id 0 at once", async function () {
      const world = await loadFixture(openWorld);
      expect(() => readerFor(world).watchFailure({ failureId: 0n, onEvent: () => undefined })).to.throw(
        /failureId: 0 must be an id of 1 or more/,
      );
    });
  });
});
