/**
 * Gas benchmarks of the registry, each measured against a baseline in the same run on the
 * in-process Hardhat network. Gas is deterministic, so one run is enough; ratios are what the
 * targets constrain.
 */
import { EAS__factory, SchemaRegistry__factory } from "@ethereum-attestation-service/eas-contracts";
import type { ContractTransactionResponse } from "ethers";
import type { network } from "hardhat";
import {
  buildStepProof,
  hashUri,
  mutableTypes,
  registryDomain,
  type Hex,
  type StepBody,
  type StepInput,
} from "../../sdk/hashing.js";
import { defaultParameters } from "../../sdk/defaults.js";

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

/** Parameters for benchmark deployments: the defaults (values do not change the gas measured). */
export function benchParameters(arbiter: string, treasury: string) {
  return defaultParameters({ arbiter, treasury });
}

export type { Ethers };

/** A Hardhat network connection: ethers plus network helpers (to move time). */
export interface BenchConnection {
  ethers: Ethers;
  networkHelpers: { time: { increase(seconds: number | bigint): Promise<number> } };
}

/**
 * Gas of the accountability operations (no baseline: the rows exist so regressions show).
 * Reports prove the trace's first step, the longest proof for a trace of that length.
 */
export async function measureAccountabilityGas(
  connection: BenchConnection,
): Promise<Record<string, GasMeasurement>> {
  const { ethers, networkHelpers } = connection;
  const signers = await ethers.getSigners();
  const [owner, arbiter, treasury, node, reporter, claimant, user] = signers;
  const parameters = benchParameters(arbiter.address, treasury.address);
  const registry = await ethers.deployContract("ResponsibilityRegistry", [
    ethers.ZeroAddress,
    parameters,
    false,
    0n,
    owner.address,
  ]);
  const day = Number(parameters.claimWindow);

  const bond = {
    what: "first operator bond (native)",
    gas: await gasOf(registry.connect(node).bond(10n ** 18n, { value: 10n ** 18n })),
  };

  // Traces of 3 and 10 steps logged by the node; reports prove their first step.
  let traceCounter = 0;
  const logTrace = async (length: number) => {
    const traceId = ethers.id(`bench accountability trace ${traceCounter++}`) as Hex;
    const steps = Array.from({ length }, (_, i) => ({
      traceId,
      kind: i % 4,
      inputDigest: ethers.id(`in ${traceId} ${i}`) as Hex,
      outputDigest: ethers.id(`out ${traceId} ${i}`) as Hex,
      uri: STEP_URI,
    }));
    const receipt = await (await registry.connect(node).logSteps(steps)).wait();
    const bodies: StepBody[] = receipt!.logs
      .map((log) => registry.interface.parseLog(log))
      .filter((parsed) => parsed?.name === "StepLogged")
      .map((parsed) => ({
        traceId,
        kind: Number(parsed!.args.kind),
        actor: parsed!.args.actor as string,
        inputDigest: parsed!.args.inputDigest as Hex,
        outputDigest: parsed!.args.outputDigest as Hex,
        uriHash: hashUri(parsed!.args.uri as string),
        loggedAt: parsed!.args.loggedAt as bigint,
      }));
    return { traceId, bodies };
  };
  const report = async (length: number) => {
    const { traceId, bodies } = await logTrace(length);
    const tx = registry.connect(reporter).reportFailure(
      {
        traceId,
        beneficiary: user.address,
        compensation: 10n ** 17n,
        evidenceDigest: ethers.id("evidence"),
        evidenceUri: "ipfs://bafy-evidence",
      },
      buildStepProof(bodies, 0),
      { value: parameters.reporterBond },
    );
    const gas = await gasOf(tx);
    return { gas, failureId: await registry.failureCount() };
  };

  // Warm-up: the very first report also initialises counters and ledgers (zero → non-zero
  // writes); measure the steady state that every later report pays.
  await report(3);
  const reported3 = await report(3);
  const reportFailure3Steps = { what: "report a failure, proving the first of 3 steps", gas: reported3.gas };
  const reported10 = await report(10);
  const reportFailure10Steps = {
    what: "report a failure, proving the first of 10 steps",
    gas: reported10.gas,
  };

  // claim + compensate on the first failure; propose a remedy on a second; enforce a third;
  // fallback on a fourth; rule on a fifth (contested by the actor).
  const claim = {
    what: "claim responsibility (stake the compensation)",
    gas: await gasOf(
      registry.connect(claimant).claimResponsibility(reported3.failureId, { value: 10n ** 17n }),
    ),
  };
  const compensate = {
    what: "compensate (stake → beneficiary credit)",
    gas: await gasOf(registry.connect(claimant).compensate(reported3.failureId)),
  };

  await (
    await registry.connect(claimant).claimResponsibility(reported10.failureId, { value: 10n ** 17n })
  ).wait();
  const proposeRemedy = {
    what: "propose a remedy",
    gas: await gasOf(
      registry
        .connect(claimant)
        .proposeRemedy(reported10.failureId, ethers.id("remedy"), "ipfs://bafy-remedy"),
    ),
  };

  const toEnforce = (await report(3)).failureId;
  await (await registry.connect(claimant).claimResponsibility(toEnforce, { value: 10n ** 17n })).wait();
  const toFallback = (await report(3)).failureId;
  const toRule = (await report(3)).failureId;
  // A failure against a node whose bond falls short, for collectShortfall.
  const shortNode = signers[7];
  await (await registry.connect(shortNode).bond(5n * 10n ** 16n, { value: 5n * 10n ** 16n })).wait();
  const shortTrace = ethers.id("bench short bond trace") as Hex;
  await (
    await registry.connect(shortNode).logStep({
      traceId: shortTrace,
      kind: 1,
      inputDigest: ethers.id("short in") as Hex,
      outputDigest: ethers.id("short out") as Hex,
      uri: STEP_URI,
    })
  ).wait();
  const shortLog = (await registry.queryFilter(registry.filters.StepLogged(shortTrace)))[0];
  const shortBody: StepBody = {
    traceId: shortTrace,
    kind: 1,
    actor: shortNode.address,
    inputDigest: shortLog.args.inputDigest as Hex,
    outputDigest: shortLog.args.outputDigest as Hex,
    uriHash: hashUri(STEP_URI),
    loggedAt: shortLog.args.loggedAt,
  };
  const shortReport = {
    traceId: shortTrace,
    beneficiary: user.address,
    compensation: 10n ** 17n,
    evidenceDigest: ethers.id("evidence"),
    evidenceUri: "",
  };
  await (
    await registry
      .connect(reporter)
      .reportFailure(shortReport, buildStepProof([shortBody], 0), { value: parameters.reporterBond })
  ).wait();
  const toCollect = await registry.failureCount();
  const pinTraceHead = {
    what: "pin a trace head (for reports while the trace grows)",
    gas: await gasOf(registry.connect(reporter).pinTraceHead(shortTrace)),
  };
  await (await registry.connect(node).contest(toRule, ethers.id("grounds"), "")).wait();
  const rule = {
    what: "arbiter rules Valid (locked bond → beneficiary)",
    gas: await gasOf(registry.connect(arbiter).rule(toRule, 1)),
  };

  await networkHelpers.time.increase(day + 1);
  const assignFallback = {
    what: "assign the fallback (lock the actor's bond)",
    gas: await gasOf(registry.assignFallback(toFallback)),
  };
  await (await registry.assignFallback(toCollect)).wait();
  await (await registry.connect(shortNode).bond(5n * 10n ** 16n, { value: 5n * 10n ** 16n })).wait();
  const collectShortfall = {
    what: "collect a shortfall from a topped-up bond",
    gas: await gasOf(registry.collectShortfall(toCollect)),
  };
  await networkHelpers.time.increase(Number(parameters.resolutionWindow) + 1);
  const enforce = {
    what: "enforce after the resolution window",
    gas: await gasOf(registry.enforce(toEnforce)),
  };
  const withdraw = {
    what: "withdraw credits (native transfer)",
    gas: await gasOf(registry.connect(user).withdraw(user.address)),
  };

  return {
    bond,
    reportFailure3Steps,
    reportFailure10Steps,
    claim,
    assignFallback,
    collectShortfall,
    compensate,
    proposeRemedy,
    enforce,
    rule,
    withdraw,
    pinTraceHead,
  };
}
