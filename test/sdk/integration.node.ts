/**
 * The SDK against a real `hardhat node` JSON-RPC server on 127.0.0.1, started and stopped by
 * this file: every role does its job through the SDK over HTTP (and one watcher over WebSocket).
 */
import { expect } from "chai";
import {
  id,
  JsonRpcProvider,
  Log,
  Wallet,
  WebSocketProvider,
  ZeroAddress,
  type Filter,
  type FilterByBlockHash,
  type HDNodeWallet,
} from "ethers";
import {
  ContractRevertError,
  createOnusClient,
  createOnusReader,
  InvalidInputError,
  NonceSerializedSender,
  type BatchedStep,
  type Hex,
  type OnusClient,
  type RegistryEvent,
  type StepBatcher,
} from "../../sdk/index.js";
import { ResponsibilityRegistry__factory } from "../../types/ethers-contracts/index.js";
import { startHardhatNode, type HardhatNode } from "../helpers/node.js";
import { defaultParameters } from "../helpers/registry.js";
import { rejectionOf, step, UNIT } from "../helpers/sdk.js";

const CHAIN_ID = 31337;
const COMPENSATION = 2n * UNIT;
const TRACES = [0, 1, 2].map((n) => id(`integration inference ${n}`) as Hex);
const STEPS_PER_TRACE = 8;

/**
 * A provider whose `eth_getLogs` answers are altered: the chain is real, only this reader's view
 * of one StepLogged event (its output digest) is forged.
 */
class TamperingProvider extends JsonRpcProvider {
  readonly #registry = ResponsibilityRegistry__factory.createInterface();
  readonly #forgedStepId: string;

  constructor(url: string, forgedStepId: string) {
    super(url, CHAIN_ID, { staticNetwork: true });
    this.#forgedStepId = forgedStepId.toLowerCase();
  }

  override async getLogs(filter: Filter | FilterByBlockHash): Promise<Log[]> {
    const logs = await super.getLogs(filter);
    return logs.map((log) => {
      if (log.topics[2]?.toLowerCase() !== this.#forgedStepId) return log;
      const parsed = this.#registry.parseLog(log)!;
      const args = [...parsed.args];
      args[5] = id("a different output"); // outputDigest
      const { data, topics } = this.#registry.encodeEventLog(parsed.fragment, args);
      return new Log({ ...log, data, topics }, this);
    });
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("SDK integration: a real hardhat node over HTTP", function () {
  this.timeout(180_000);

  let node: HardhatNode | undefined;
  const providers: (JsonRpcProvider | WebSocketProvider)[] = [];
  let registry: string;
  let deploymentBlock: number;
  let wallets: Record<
    "owner" | "arbiter" | "treasury" | "node" | "reporter" | "beneficiary" | "operator",
    HDNodeWallet
  >;
  /** Each role has its own HTTP connection, as separate processes would. */
  const client = (wallet: HDNodeWallet): OnusClient =>
    createOnusClient({ address: registry, runner: wallet, deploymentBlock, pollingIntervalMs: 100 });
  const httpProvider = (): JsonRpcProvider => {
    const provider = new JsonRpcProvider(node!.url, CHAIN_ID, { staticNetwork: true });
    providers.push(provider);
    return provider;
  };

  before(async function () {
    node = await startHardhatNode();
    const all = node.wallets();
    const roles = ["owner", "arbiter", "treasury", "node", "reporter", "beneficiary", "operator"] as const;
    wallets = Object.fromEntries(
      roles.map((role, index) => [role, all[index].connect(httpProvider())]),
    ) as typeof wallets;
    const deployment = await new ResponsibilityRegistry__factory(wallets.owner).deploy(
      ZeroAddress,
      defaultParameters(wallets.arbiter.address, wallets.treasury.address),
      false,
      0n,
      wallets.owner.address,
    );
    await deployment.waitForDeployment();
    registry = await deployment.getAddress();
    deploymentBlock = (await deployment.deploymentTransaction()!.wait())!.blockNumber;
  });

  after(async function () {
    for (const provider of providers) provider.destroy();
    await node?.stop();
  });

  let batched: BatchedStep[][] = [];

  it("a node logs steps through the batcher from three concurrent callers", async function () {
    const nodeClient = client(wallets.node);
    const flushes: number[] = [];
    const batcher: StepBatcher = nodeClient.createStepBatcher({
      maxSteps: 10,
      maxWaitMs: 50,
      onFlush: (outcome) => flushes.push(outcome.steps),
    });
    const caller = async (traceId: Hex): Promise<BatchedStep[]> => {
      const logged: BatchedStep[] = [];
      let fired: Promise<BatchedStep>[] = [];
      for (let n = 0; n < STEPS_PER_TRACE; n++) {
        const kind = n === 0 ? "Model" : n === STEPS_PER_TRACE - 1 ? "Verification" : "Compute";
        fired.push(batcher.add(step(traceId, n, kind)));
        if (n % 3 === 2) {
          logged.push(...(await Promise.all(fired)));
          fired = [];
        }
      }
      logged.push(...(await Promise.all(fired)));
      return logged;
    };
    batched = await Promise.all(TRACES.map(caller));
    await batcher.close();

    expect(flushes.reduce((sum, steps) => sum + steps, 0)).to.equal(3 * STEPS_PER_TRACE);
    const transactions = new Set(batched.flat().map((s) => s.transactionHash));
    expect(transactions.size).to.equal(flushes.length);
    expect(transactions.size).to.be.lessThan(3 * STEPS_PER_TRACE);
    for (const [index, traceId] of TRACES.entries()) {
      const trace = await nodeClient.getTrace(traceId);
      expect(trace.steps.map((s) => s.stepId)).to.deep.equal(batched[index].map((s) => s.stepId));
      expect(trace.steps.map((s) => s.kind)).to.deep.equal([
        "Model",
        ...Array<string>(STEPS_PER_TRACE - 2).fill("Compute"),
        "Verification",
      ]);
    }
  });

  it("an operator watching its node (HTTP polling and WebSocket) sees the report, claims and compensates", async function () {
    // Watchers first: the operator polls over HTTP, a dashboard subscribes over WebSocket.
    const operator = client(wallets.operator);
    const overHttp: RegistryEvent[] = [];
    const stopHttp = operator.watchFailures({
      actors: [wallets.node.address],
      onFailure: (e) => overHttp.push(e),
    });
    const websocket = new WebSocketProvider(node!.wsUrl);
    providers.push(websocket);
    const dashboard = createOnusReader({ address: registry, runner: websocket, deploymentBlock });
    const overWebSocket: RegistryEvent[] = [];
    const stopWebSocket = dashboard.watchFailures({
      actors: [wallets.node.address],
      onFailure: (e) => overWebSocket.push(e),
    });
    await Promise.all([stopHttp.ready, stopWebSocket.ready]);

    const reporter = client(wallets.reporter);
    const report = await reporter.reportFailure({
      traceId: TRACES[1],
      stepIndex: 4,
      beneficiary: wallets.beneficiary.address,
      compensation: COMPENSATION,
      evidenceDigest: id("the answer was wrong"),
      evidenceUri: "ipfs://evidence",
    });
    expect(report).to.include({
      failureId: 1n,
      stepId: batched[1][4].stepId,
      actor: wallets.node.address,
      attempts: 1,
    });

    await waitFor(
      () => overHttp.length === 1 && overWebSocket.length === 1,
      "the failure to reach both watchers",
    );
    stopHttp();
    stopWebSocket();
    for (const seen of [overHttp[0], overWebSocket[0]]) {
      expect(seen.name).to.equal("FailureReported");
      expect(seen.args).to.deep.include({
        failureId: 1n,
        actor: wallets.node.address,
        compensation: COMPENSATION,
      });
    }

    const events: string[] = [];
    const stopFailure = dashboard.watchFailure({
      failureId: 1n,
      onEvent: (event) => events.push(event.name),
    });
    await stopFailure.ready;
    const claimed = await operator.claimResponsibility({ failureId: overHttp[0].args.failureId as bigint });
    expect(claimed).to.include({ failureId: 1n, stake: COMPENSATION });
    const compensated = await operator.compensate({ failureId: 1n });
    expect(compensated).to.deep.include({ outcome: "Compensated", paidToBeneficiary: COMPENSATION });
    await waitFor(() => events.length === 2, "the claim and the closing over WebSocket");
    stopFailure();
    expect(events).to.deep.equal(["ResponsibilityClaimed", "FailureClosed"]);
  });

  it("reverts and bad input come back decoded over JSON-RPC, before anything is sent", async function () {
    const stranger = client(wallets.owner);
    const provider = wallets.owner.provider!;
    const nonce = await provider.getTransactionCount(wallets.owner.address, "pending");
    const revert = await rejectionOf(stranger.claimResponsibility({ failureId: 1n }));
    expect(revert).to.be.instanceOf(ContractRevertError);
    expect((revert as ContractRevertError).shortMessage).to.equal(
      "FailureNotClaimable(failureId=1, state=Compensated)",
    );
    expect((revert as ContractRevertError).args).to.deep.equal({ failureId: 1n, state: "Compensated" });
    const noCredit = (await rejectionOf(stranger.withdraw())) as ContractRevertError;
    expect(noCredit.shortMessage).to.equal(`NoCredit(account=${wallets.owner.address})`);
    const invalid = await rejectionOf(stranger.logStep({ ...step(TRACES[0], 99), inputDigest: "0x1234" }));
    expect(invalid).to.be.instanceOf(InvalidInputError);
    expect((invalid as InvalidInputError).field).to.equal("step.inputDigest");
    expect(await provider.getTransactionCount(wallets.owner.address, "pending")).to.equal(nonce);
  });

  it("one signer fires many writes at once over HTTP without nonce collisions", async function () {
    const nodeClient = client(wallets.node);
    const provider = wallets.node.provider!;
    const start = await provider.getTransactionCount(wallets.node.address, "pending");
    const traceId = id("integration concurrent trace") as Hex;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) => nodeClient.logStep(step(traceId, n))),
    );
    const nonces = await Promise.all(
      results.map(async (result) => (await provider.getTransaction(result.transactionHash))!.nonce),
    );
    expect([...nonces].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, n) => start + n));
    const trace = await nodeClient.getTrace(traceId);
    expect(trace.steps).to.have.length(20);
    expect((await nodeClient.verifyTrace(trace)).valid).to.equal(true);
  });

  it("a send that fails does not make the next one reuse a nonce (ethers caches reads for 250 ms)", async function () {
    const wallet = wallets.node;
    const sender = new NonceSerializedSender(wallet);
    const to = Wallet.createRandom().address;
    const first = await sender.send((nonce) => wallet.sendTransaction({ to, value: 1n, nonce }));
    const failed = await rejectionOf(sender.send(() => Promise.reject(new Error("rejected by the node"))));
    expect((failed as Error).message).to.equal("rejected by the node");
    const next = await sender.send((nonce) => wallet.sendTransaction({ to, value: 1n, nonce }));
    expect(next.nonce).to.equal(first.nonce + 1);
    await next.wait();
  });

  it("the beneficiary and the reporter withdraw their credits", async function () {
    const provider = wallets.beneficiary.provider!;
    const withdrawn = await client(wallets.beneficiary).withdraw();
    expect(withdrawn).to.include({ amount: COMPENSATION, to: wallets.beneficiary.address });
    const fee = withdrawn.receipt.gasUsed * withdrawn.receipt.gasPrice;
    const [before, after] = await Promise.all([
      provider.getBalance(wallets.beneficiary.address, withdrawn.blockNumber - 1),
      provider.getBalance(wallets.beneficiary.address, withdrawn.blockNumber),
    ]);
    expect(after).to.equal(before + COMPENSATION - fee);

    const elsewhere = Wallet.createRandom().address;
    const reporter = await client(wallets.reporter).withdraw({ to: elsewhere });
    expect(reporter.amount).to.equal(10n ** 16n);
    expect(await provider.getBalance(elsewhere, reporter.blockNumber)).to.equal(reporter.amount);
  });

  it("an integrator with a read-only provider verifies the traces and reads the ledgers", async function () {
    const integrator = createOnusReader({ address: registry, runner: httpProvider(), deploymentBlock });
    for (const traceId of TRACES) {
      const check = await integrator.verifyTrace(traceId);
      expect(check).to.include({ valid: true, stepCount: STEPS_PER_TRACE });
      expect(check.computedHead).to.equal(check.storedHead);
    }
    const nodeLedger = await integrator.getLedger(wallets.node.address);
    expect(nodeLedger).to.include({
      stepsLogged: 3 * STEPS_PER_TRACE + 20,
      failuresAttributed: 1,
      amountPaid: 0n,
    });
    const operatorLedger = await integrator.getLedger(wallets.operator.address);
    expect(operatorLedger).to.include({
      failuresClaimed: 1,
      failuresCompensated: 1,
      amountPaid: COMPENSATION,
    });
    const beneficiaryLedger = await integrator.getLedger(wallets.beneficiary.address);
    expect(beneficiaryLedger).to.include({ amountReceived: COMPENSATION, credit: 0n });

    const { history, state } = await integrator.getFailureWithHistory(1n);
    expect(state).to.equal("Compensated");
    expect(history.map((event) => event.name)).to.deep.equal([
      "FailureReported",
      "ResponsibilityClaimed",
      "FailureClosed",
      "Credited",
      "Credited",
    ]);
    const listed = await integrator.listFailures({ actor: wallets.node.address });
    expect(listed.map((failure) => [failure.failureId, failure.state])).to.deep.equal([[1n, "Compensated"]]);
    expect(await integrator.getTotals()).to.deep.equal({
      bonded: 0n,
      reporterBonds: 0n,
      staked: 0n,
      credits: 0n,
    });
    expect(await rejectionOf(integrator.getFailure(2n))).to.have.property("name", "NotFoundError");
  });

  it("a trace whose events were tampered with on the way is detected by verifyTrace", async function () {
    const forged = batched[2][5];
    const tampering = new TamperingProvider(node!.url, forged.stepId);
    providers.push(tampering);
    const reader = createOnusReader({ address: registry, runner: tampering, deploymentBlock });
    const check = await reader.verifyTrace(TRACES[2]);
    expect(check.valid).to.equal(false);
    expect(check.firstBadStep).to.deep.include({ index: 5, stepId: forged.stepId });
    expect(check.reason).to.equal(
      "step 5 does not match its id: its fields or the steps before it were altered",
    );
    // The same chain through an honest provider verifies.
    const honest = createOnusReader({ address: registry, runner: httpProvider(), deploymentBlock });
    expect((await honest.verifyTrace(TRACES[2])).valid).to.equal(true);
  });
});
