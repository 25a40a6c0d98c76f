/**
 * SDK benchmarks against a local `hardhat node` over HTTP (started and stopped here), measured
 * in one run so the ratios compare like with like:
 *
 * - logging 500 steps through the SDK's StepBatcher vs 500 single `logStep` calls with plain
 *   ethers (typechain contract, each awaited): wall time, transactions and RPC calls;
 * - reading and verifying a 10-step trace among 10,000 logged steps: RPC calls and wall time.
 *
 * RPC calls are counted with a JsonRpcProvider subclass that counts what goes through `_send`:
 * JSON-RPC payloads (calls) and the HTTP requests that carried them (ethers batches payloads).
 */
import { performance } from "node:perf_hooks";
import {
  id,
  JsonRpcProvider,
  NonceManager,
  ZeroAddress,
  type HDNodeWallet,
  type JsonRpcPayload,
  type JsonRpcResult,
} from "ethers";
import {
  createOnusClient,
  createOnusReader,
  defaultParameters,
  type StepParameters,
} from "../../sdk/index.js";
import { ResponsibilityRegistry__factory } from "../../types/ethers-contracts/index.js";
import { startHardhatNode } from "../lib/hardhat-node.js";

const CHAIN_ID = 31337;
/** A realistic step URI (an IPFS CIDv1). */
const STEP_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

/** One row of the SDK table. */
export interface SdkMeasurement {
  what: string;
  /** Wall time of the measured work, in milliseconds. */
  wallMs: number;
  /** Transactions the measured work sent. */
  transactions: number;
  /** JSON-RPC calls the measured work made. */
  rpcCalls: number;
  /** HTTP requests that carried them (ethers batches calls made in the same tick). */
  httpRequests: number;
  /** The RPC methods called, with counts. */
  methods: Record<string, number>;
}

/** What {@link measureSdk} returns (and `npm run bench` writes to bench/out/sdk.json). */
export interface SdkBenchmark {
  rows: Record<string, SdkMeasurement>;
  /** Ratios between rows of the same run. */
  ratios: Record<string, { what: string; ratio: number }>;
}

/** A JsonRpcProvider that counts the JSON-RPC calls and HTTP requests it sends. */
class CountingProvider extends JsonRpcProvider {
  rpcCalls = 0;
  httpRequests = 0;
  methods: Record<string, number> = {};

  constructor(url: string) {
    super(url, CHAIN_ID, { staticNetwork: true });
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    this.httpRequests++;
    for (const call of Array.isArray(payload) ? payload : [payload]) {
      this.rpcCalls++;
      this.methods[call.method] = (this.methods[call.method] ?? 0) + 1;
    }
    return super._send(payload);
  }

  reset(): void {
    this.rpcCalls = 0;
    this.httpRequests = 0;
    this.methods = {};
  }
}

function step(traceId: string, n: number): StepParameters {
  return {
    traceId,
    kind: n % 4,
    inputDigest: id(`bench input ${traceId} ${n}`),
    outputDigest: id(`bench output ${traceId} ${n}`),
    uri: STEP_URI,
  };
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Runs `work` and measures it on `provider`: wall time, transactions of `sender`, RPC calls. */
async function measure(
  what: string,
  provider: CountingProvider,
  sender: string | undefined,
  work: () => Promise<void>,
): Promise<SdkMeasurement> {
  const nonceOf = async (address: string) =>
    Number(await provider.send("eth_getTransactionCount", [address, "latest"]));
  const before = sender === undefined ? 0 : await nonceOf(sender);
  provider.reset();
  const started = performance.now();
  await work();
  const wallMs = round(performance.now() - started);
  const counted = {
    rpcCalls: provider.rpcCalls,
    httpRequests: provider.httpRequests,
    methods: provider.methods,
  };
  const transactions = sender === undefined ? 0 : (await nonceOf(sender)) - before;
  return { what, wallMs, transactions, ...counted };
}

/**
 * Measures the SDK against a `hardhat node` it starts (and always stops).
 *
 * @example
 * const { rows, ratios } = await measureSdk((line) => process.stdout.write(`${line}\n`));
 */
export async function measureSdk(progress: (line: string) => void = () => undefined): Promise<SdkBenchmark> {
  progress("Starting a local hardhat node...");
  const node = await startHardhatNode();
  const providers: CountingProvider[] = [];
  const connect = (wallet: HDNodeWallet): HDNodeWallet => {
    const provider = new CountingProvider(node.url);
    providers.push(provider);
    return wallet.connect(provider);
  };
  try {
    const [owner, arbiter, treasury, batcherNode, plainNode, bulkNode] = node.wallets().map(connect);
    const deployment = await new ResponsibilityRegistry__factory(owner).deploy(
      ZeroAddress,
      defaultParameters({ arbiter: arbiter.address, treasury: treasury.address }),
      false,
      0n,
      owner.address,
    );
    const deploymentBlock = (await deployment.deploymentTransaction()!.wait())!.blockNumber;
    const address = await deployment.getAddress();
    const providerOf = (wallet: HDNodeWallet) => wallet.provider as CountingProvider;

    // (a) 500 steps over 10 traces: the batcher (all added at once, as a busy node would) vs
    // plain ethers, one logStep per step, each awaited.
    const traces = Array.from({ length: 10 }, (_, n) => id(`bench sdk trace ${n}`));
    const steps = Array.from({ length: 500 }, (_, n) => step(traces[n % 10], n));
    progress("Logging 500 steps through the StepBatcher...");
    const client = createOnusClient({ address, runner: batcherNode, deploymentBlock });
    const batcher500 = await measure(
      "500 steps through the SDK's StepBatcher (maxSteps 50), added at once",
      providerOf(batcherNode),
      batcherNode.address,
      async () => {
        const batcher = client.createStepBatcher({ maxSteps: 50, maxWaitMs: 100 });
        await Promise.all(steps.map((input) => batcher.add(input)));
        await batcher.close();
      },
    );

    progress("Logging 500 steps with plain ethers, one logStep each...");
    // NonceManager: ethers caches eth_getTransactionCount for 250 ms, so back-to-back sends
    // from a bare Wallet reuse nonces; this is how plain ethers code sends in sequence.
    const registry = ResponsibilityRegistry__factory.connect(address, new NonceManager(plainNode));
    const plainLogStep500 = await measure(
      "500 × logStep with plain ethers (typechain + NonceManager), each awaited",
      providerOf(plainNode),
      plainNode.address,
      async () => {
        for (const input of steps) {
          const kind = Number(input.kind);
          await (await registry.logStep({ ...input, kind, uri: input.uri ?? "" })).wait();
        }
      },
    );

    // (b) 10,000 steps in 40 batches of 250; the 10 steps of the trace read back are spread
    // over them (one in every fourth batch), among 9,990 steps of 999 other traces.
    progress("Logging 10,000 steps in batches of 250...");
    const target = id("bench sdk target trace");
    const bulk = createOnusClient({ address, runner: bulkNode, deploymentBlock });
    let targetSteps = 0;
    let other = 0;
    for (let batch = 0; batch < 40; batch++) {
      const inputs: StepParameters[] = [];
      if (batch % 4 === 0) inputs.push(step(target, targetSteps++));
      while (inputs.length < 250) {
        inputs.push(step(id(`bench background trace ${other % 999}`), other));
        other++;
      }
      await bulk.logSteps({ steps: inputs });
    }

    progress("Reading and verifying the 10-step trace...");
    const readerProvider = new CountingProvider(node.url);
    providers.push(readerProvider);
    const verify = async (chunkSize: number | undefined, what: string) => {
      const reader = createOnusReader({
        address,
        runner: readerProvider,
        deploymentBlock,
        ...(chunkSize === undefined ? {} : { logChunkSize: chunkSize }),
      });
      return measure(what, readerProvider, undefined, async () => {
        const check = await reader.verifyTrace(target);
        if (!check.valid || check.stepCount !== 10) {
          throw new Error(`bench: the target trace did not verify (${JSON.stringify(check)})`);
        }
      });
    };
    const verify10of10k = await verify(
      undefined,
      "read + verify a 10-step trace among 10,000 steps (one getLogs range)",
    );
    const verify10of10kChunked = await verify(
      5,
      "the same with 5-block log chunks (an endpoint capping getLogs ranges)",
    );

    const rows = { batcher500, plainLogStep500, verify10of10k, verify10of10kChunked };
    const ratios = {
      batcherWallTime: {
        what: "wall time: plain ethers / batcher (× faster)",
        ratio: round(plainLogStep500.wallMs / batcher500.wallMs, 2),
      },
      batcherTransactions: {
        what: "transactions: plain ethers / batcher",
        ratio: round(plainLogStep500.transactions / batcher500.transactions, 2),
      },
      batcherRpcCalls: {
        what: "RPC calls: plain ethers / batcher",
        ratio: round(plainLogStep500.rpcCalls / batcher500.rpcCalls, 2),
      },
      verifyCallsPerStep: {
        what: "RPC calls to verify the 10-step trace, per step of the trace",
        ratio: round(verify10of10k.rpcCalls / 10, 2),
      },
    };
    return { rows, ratios };
  } finally {
    for (const provider of providers) provider.destroy();
    await node.stop();
  }
}

/**
 * The SDK results as markdown tables.
 *
 * @example
 * process.stdout.write(`${sdkTables(await measureSdk())}\n`);
 */
export function sdkTables(benchmark: SdkBenchmark): string {
  const lines = [
    "| key | what | wall time | transactions | RPC calls | HTTP requests |",
    "|---|---|---:|---:|---:|---:|",
  ];
  for (const [key, row] of Object.entries(benchmark.rows)) {
    lines.push(
      `| \`${key}\` | ${row.what} | ${row.wallMs.toLocaleString("en-US")} ms | ${row.transactions} | ${row.rpcCalls} | ${row.httpRequests} |`,
    );
  }
  lines.push("", "| ratio | what | value |", "|---|---|---:|");
  for (const [key, { what, ratio }] of Object.entries(benchmark.ratios)) {
    lines.push(`| \`${key}\` | ${what} | ${ratio} |`);
  }
  return lines.join("\n");
}
