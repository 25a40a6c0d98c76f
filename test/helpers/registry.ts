import type { ContractTransactionResponse } from "ethers";
import type { network } from "hardhat";
import type { ResponsibilityRegistry } from "../../types/ethers-contracts/index.js";
import { defaultParameters as sdkDefaultParameters } from "../../sdk/defaults.js";
import { hashUri, type Hex, type StepBody, type StepInput } from "../../sdk/hashing.js";

/** The `ethers` object of a Hardhat network connection. */
export type Ethers = Awaited<ReturnType<typeof network.create>>["ethers"];

export const HOUR = 3600n;
export const DAY = 24n * HOUR;

/** Parameters the tests deploy with: the SDK's defaults, whose windows all differ (report 7 d,
 * claim 1 d, resolution 2 d, remedy 3 d, arbitration 4 d, unbonding 17 d) so boundary tests can
 * tell them apart. */
export function defaultParameters(arbiter: string, treasury: string) {
  return sdkDefaultParameters({ arbiter, treasury });
}

export type Parameters = ReturnType<typeof defaultParameters>;

export interface DeployOptions {
  /** ERC-20 collateral token address; native when omitted. */
  token?: string;
  gated?: boolean;
  minimumOperatorBond?: bigint;
  parameters?: Partial<Parameters>;
}

/** Deploys a registry owned by signer 0, with signer 1 as arbiter and signer 2 as treasury. */
export async function deployRegistry(ethers: Ethers, options: DeployOptions = {}) {
  const [owner, arbiter, treasury] = await ethers.getSigners();
  const parameters = { ...defaultParameters(arbiter.address, treasury.address), ...options.parameters };
  const registry = await ethers.deployContract("ResponsibilityRegistry", [
    options.token ?? ethers.ZeroAddress,
    parameters,
    options.gated ?? false,
    options.minimumOperatorBond ?? 0n,
    owner.address,
  ]);
  return { registry, parameters, owner, arbiter, treasury };
}

export const SAMPLE_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

/** A deterministic step of `traceId`; `n` varies the digests. */
export function makeStep(ethers: Ethers, traceId: string, n: number, kind = 1, uri = SAMPLE_URI): StepInput {
  return {
    traceId: traceId as Hex,
    kind,
    inputDigest: ethers.id(`input ${traceId} ${n}`) as Hex,
    outputDigest: ethers.id(`output ${traceId} ${n}`) as Hex,
    uri,
  };
}

/** Rebuilds a trace's step bodies from its StepLogged events, oldest first. */
export async function traceFromEvents(registry: ResponsibilityRegistry, traceId: string) {
  const events = await registry.queryFilter(registry.filters.StepLogged(traceId));
  return events.map((event) => {
    const body: StepBody = {
      traceId: event.args.traceId as Hex,
      kind: Number(event.args.kind),
      actor: event.args.actor,
      inputDigest: event.args.inputDigest as Hex,
      outputDigest: event.args.outputDigest as Hex,
      uriHash: hashUri(event.args.uri),
      loggedAt: event.args.loggedAt,
    };
    return { body, stepId: event.args.stepId as Hex };
  });
}

/** The step ids a logging transaction emitted, in order. */
export async function loggedStepIds(
  registry: ResponsibilityRegistry,
  tx: Promise<ContractTransactionResponse>,
): Promise<string[]> {
  const receipt = await (await tx).wait();
  const address = await registry.getAddress();
  return (receipt?.logs ?? [])
    .filter((log) => log.address === address)
    .map((log) => registry.interface.parseLog(log))
    .filter((parsed) => parsed?.name === "StepLogged")
    .map((parsed) => parsed!.args.stepId as string);
}
