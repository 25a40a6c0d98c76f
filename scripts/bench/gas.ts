/**
 * Gas benchmarks of the registry, each measured against a baseline in the same run on the
 * in-process Hardhat network. Gas is deterministic, so one run is enough; ratios are what the
 * targets constrain.
 */
import { EAS__factory, SchemaRegistry__factory } from "@ethereum-attestation-service/eas-contracts";
import type { ContractTransactionResponse } from "ethers";
import type { network } from "hardhat";
import { mutableTypes, registryDomain, type Hex, type StepInput } from "../../sdk/hashing.js";

type Ethers = Awaited<ReturnType<typeof network.create>>["ethers"];

/** One row of the gas table. */
export interface GasMeasurement {
  /** What was measured, in words. */
  what: string;
  /** Gas of the operation (per step for the `PerStep` rows). */
  gas: number;
  /** Gas of the baseline it is compared with (absent where there is none). */
  baselineGas?: number;
  /** gas / baselineGas. */
  ratio?: number;
  /** Largest ratio the benchmark accepts. */
  target?: number;
}

/** A realistic step URI: an IPFS CIDv1 (the same in both contracts, so it cancels out). */
const STEP_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was not mined");
  return Number(receipt.gasUsed);
}

function compare(what: string, gas: number, baselineGas: number, target?: number): GasMeasurement {
  return {
    what,
    gas,
    baselineGas,
    ratio: round(gas / baselineGas),
    ...(target === undefined ? {} : { target }),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Measures the trace operations against the StepLogBaseline and EAS. */
export async function measureTraceGas(ethers: Ethers): Promise<Record<string, GasMeasurement>> {
  const signers = await ethers.getSigners();
  const [owner, arbiter, treasury] = signers;
  const registry = await ethers.deployContract("ResponsibilityRegistry", [
    ethers.ZeroAddress,
    benchParameters(arbiter.address, treasury.address),
    false, // open logging: the configuration the targets are set for
    0n,
    owner.address,
  ]);
  const baseline = await ethers.deployContract("StepLogBaseline", []);
  let counter = 0;
  const step = (traceId: string): StepInput => {
    counter++;
    return {
      traceId: traceId as Hex,
      kind: counter % 4,
      inputDigest: ethers.id(`input ${counter}`) as Hex,
      outputDigest: ethers.id(`output ${counter}`) as Hex,
      uri: STEP_URI,
    };
  };
  const traceIds = Array.from({ length: 10 }, (_, i) => ethers.id(`bench trace ${i}`));

  // openTrace: the first step of a new trace (zero -> non-zero head).
  const openStep = step(traceIds[0]);
  const openTrace = compare(
    "first step of a new trace",
    await gasOf(registry.logStep(openStep)),
    await gasOf(baseline.logStep(openStep)),
    1.9,
  );

  // append: one more step on an existing trace.
  const appendStep = step(traceIds[0]);
  const append = compare(
    "one step appended to an existing trace",
    await gasOf(registry.logStep(appendStep)),
    await gasOf(baseline.logStep(appendStep)),
    1.25,
  );

  // appendGated: the same append in a gated deployment (pause flag and minimum bond checked on
  // every log; minimum 0 so no bond read). No target: it shows what gating costs.
  const gated = await ethers.deployContract("ResponsibilityRegistry", [
    ethers.ZeroAddress,
    benchParameters(arbiter.address, treasury.address),
    true,
    0n,
    owner.address,
  ]);
  await (await gated.logStep(step(traceIds[0]))).wait();
  const gatedStep = step(traceIds[0]);
  const appendGated = compare(
    "one step appended, gated deployment (pause and minimum-bond check)",
    await gasOf(gated.logStep(gatedStep)),
    await gasOf(baseline.logStep(gatedStep)),
  );

  // batch50PerStep: 50 steps over 10 existing traces in one transaction, per step.
  for (const traceId of traceIds.slice(1)) await (await registry.logStep(step(traceId))).wait();
  const batch = Array.from({ length: 50 }, (_, i) => step(traceIds[i % 10]));
  const batch50PerStep = compare(
    "50 steps over 10 existing traces in one transaction, per step",
    (await gasOf(registry.logSteps(batch))) / 50,
    (await gasOf(baseline.logSteps(batch))) / 50,
    1.3,
  );

  // signedBatch50PerStep: 5 signers x 10 steps, each group signed (EIP-712), one relayer tx.
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const domain = registryDomain(chainId, await registry.getAddress());
  const groups = [];
  for (let s = 0; s < 5; s++) {
    const signer = signers[5 + s];
    const message = {
      actor: signer.address,
      steps: Array.from({ length: 10 }, (_, i) => step(traceIds[(i + s) % 10])),
      nonce: 0n,
      deadline: 2n ** 40n,
    };
    groups.push({ ...message, signature: await signer.signTypedData(domain, mutableTypes(), message) });
  }
  const relayer = signers[4];
  const signedBatch50PerStep = compare(
    "50 signed steps from 5 signers (10 each), one relayer transaction, per step",
    (await gasOf(registry.connect(relayer).logSignedSteps(groups))) / 50,
    (await gasOf(baseline.connect(relayer).logSignedSteps(groups))) / 50,
    1.6,
  );

  // easAttest: EAS attesting 32 bytes, deployed in the same run from the ABI and bytecode its npm
  // package ships (its typechain factories target ethers' CommonJS build, so they are used for
  // their artifacts only).
  const schemaRegistry = await new ethers.ContractFactory(
    SchemaRegistry__factory.abi,
    SchemaRegistry__factory.bytecode,
    owner,
  ).deploy();
  const eas = await new ethers.ContractFactory(EAS__factory.abi, EAS__factory.bytecode, owner).deploy(
    await schemaRegistry.getAddress(),
  );
  const registered = await (
    await schemaRegistry.getFunction("register")("bytes32 data", ethers.ZeroAddress, true)
  ).wait();
  const schema = schemaRegistry.interface.parseLog(registered!.logs[0])!.args.uid as string;
  const easGas = await gasOf(
    eas.getFunction("attest")({
      schema,
      data: {
        recipient: signers[6].address,
        expirationTime: 0n,
        revocable: true,
        refUID: ethers.ZeroHash,
        data: ethers.id("a 32-byte payload"),
        value: 0n,
      },
    }),
  );
  const easAttest = compare(
    "our append vs EAS attest with 32 bytes of data (baseline = EAS)",
    append.gas,
    easGas,
    0.2,
  );

  return { append, openTrace, batch50PerStep, signedBatch50PerStep, easAttest, appendGated };
}

/** Parameters for benchmark deployments (values do not change the gas measured). */
export function benchParameters(arbiter: string, treasury: string) {
  const day = 86_400n;
  return {
    reporterBond: 10n ** 16n,
    compensationCap: 10n ** 19n,
    reportWindow: 7n * day,
    claimWindow: day,
    resolutionWindow: 2n * day,
    remedyWindow: 3n * day,
    arbitrationTimeout: 4n * day,
    unbondingDelay: 17n * day,
    treasuryShareBps: 1_000n,
    arbiter,
    treasury,
  };
}

export type { Ethers };
