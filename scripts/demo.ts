/**
 * `npm run demo` (trace part): three nodes log the steps of two inferences on the in-process
 * Hardhat network — one directly, one through a relayer with EIP-712 signatures — then the
 * trace is rebuilt from events and verified against the head stored on-chain.
 */
import { network } from "hardhat";
import {
  foldTrace,
  hashUri,
  mutableTypes,
  registryDomain,
  STEP_KIND_NAMES,
  StepKind,
  type Hex,
  type StepBody,
} from "../sdk/hashing.js";
import { benchParameters } from "./bench/gas.js";

const { ethers } = await network.create();
const [admin, arbiter, treasury, publisher, computeNode, verifier, relayer] = await ethers.getSigners();
const names = new Map<string, string>([
  [publisher.address, "model publisher"],
  [computeNode.address, "compute node"],
  [verifier.address, "verifier"],
  [relayer.address, "relayer"],
]);

const registry = await ethers.deployContract("ResponsibilityRegistry", [
  ethers.ZeroAddress,
  benchParameters(arbiter.address, treasury.address),
  false,
  0n,
  admin.address,
]);
console.log(`ResponsibilityRegistry deployed at ${await registry.getAddress()}\n`);

const digest = (text: string) => ethers.id(text) as Hex;
async function logInference(label: string, prompt: string, answer: string, relayed: boolean) {
  const traceId = digest(label);
  const steps = [
    {
      signer: publisher,
      step: {
        traceId,
        kind: StepKind.Model,
        inputDigest: digest("llama-3-8b weights"),
        outputDigest: digest("q4 config"),
        uri: "ipfs://bafy-model-card",
      },
    },
    {
      signer: computeNode,
      step: {
        traceId,
        kind: StepKind.Compute,
        inputDigest: digest(prompt),
        outputDigest: digest(answer),
        uri: "",
      },
    },
    {
      signer: verifier,
      step: {
        traceId,
        kind: StepKind.Verification,
        inputDigest: digest(answer),
        outputDigest: digest("verdict: ok"),
        uri: "",
      },
    },
  ];
  if (!relayed) {
    for (const { signer, step } of steps) await (await registry.connect(signer).logStep(step)).wait();
  } else {
    const domain = registryDomain((await ethers.provider.getNetwork()).chainId, await registry.getAddress());
    const groups = [];
    for (const { signer, step } of steps) {
      const message = {
        actor: signer.address,
        steps: [step],
        nonce: await registry.nonces(signer.address),
        deadline: 2n ** 40n,
      };
      groups.push({ ...message, signature: await signer.signTypedData(domain, mutableTypes(), message) });
    }
    await (await registry.connect(relayer).logSignedSteps(groups)).wait();
  }
  return traceId;
}

async function printTrace(label: string, traceId: string) {
  const events = await registry.queryFilter(registry.filters.StepLogged(traceId));
  const bodies: StepBody[] = events.map((event) => ({
    traceId: event.args.traceId as Hex,
    kind: Number(event.args.kind),
    actor: event.args.actor,
    inputDigest: event.args.inputDigest as Hex,
    outputDigest: event.args.outputDigest as Hex,
    uriHash: hashUri(event.args.uri),
    loggedAt: event.args.loggedAt,
  }));
  console.log(`${label}  (trace ${traceId.slice(0, 10)}…)`);
  for (const [index, event] of events.entries()) {
    const kind = STEP_KIND_NAMES[Number(event.args.kind)].padEnd(12);
    const who = names.get(event.args.actor) ?? event.args.actor;
    console.log(
      `  ${index + 1}. ${kind} by ${who.padEnd(15)} step ${event.args.stepId.slice(0, 14)}…  tx ${event.transactionHash.slice(0, 12)}…`,
    );
  }
  const { stepIds, head } = foldTrace(bodies);
  const stored = await registry.traceHead(traceId);
  const idsMatch = stepIds.every((id, i) => id === events[i].args.stepId);
  const ok = idsMatch && head === stored;
  console.log(
    `  verification: ${ok ? "OK" : "FAILED"} — ${events.length} steps fold to ${head.slice(0, 14)}…, stored head ${stored.slice(0, 14)}…\n`,
  );
  if (!ok) process.exitCode = 1;
}

const first = await logInference(
  "inference #1: capital of France",
  "What is the capital of France?",
  "Paris",
  false,
);
const second = await logInference("inference #2: 2+2", "What is 2+2?", "4", true);
await printTrace("Inference #1, logged directly by each node", first);
await printTrace(`Inference #2, signed by each node and relayed in one transaction by the relayer`, second);
console.log("Each step is attributed to the address that signed it; the relayer only paid gas.");
