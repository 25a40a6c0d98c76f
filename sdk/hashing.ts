/**
 * Off-chain reproductions of the registry's hashing: step body hashes, step ids (trace heads),
 * trace folding, step proofs and the EIP-712 payload of signed steps. Every function here is
 * tested against the contract itself (test/ResponsibilityRegistry.trace.ts).
 *
 * @module
 */
import { AbiCoder, keccak256, toUtf8Bytes, TypedDataEncoder, type TypedDataDomain } from "ethers";

/** A 0x-prefixed hex string. */
export type Hex = `0x${string}`;

/** The zero hash: the head of an empty trace. */
export const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;

/** Step kinds, as the contract numbers them. */
export const StepKind = { Model: 0, Compute: 1, Verification: 2, Custom: 3 } as const;
/** A step kind's name. */
export type StepKindName = keyof typeof StepKind;
/** A step kind's number (0..3). */
export type StepKindValue = (typeof StepKind)[StepKindName];

/** Names of the step kinds, indexed by number. */
export const STEP_KIND_NAMES: readonly StepKindName[] = ["Model", "Compute", "Verification", "Custom"];

/** What a step's body hash commits to. */
export interface StepBody {
  traceId: Hex;
  kind: number;
  actor: string;
  inputDigest: Hex;
  outputDigest: Hex;
  /** keccak256 of the URI's UTF-8 bytes; see {@link hashUri}. */
  uriHash: Hex;
  /** Block timestamp at which the step was logged (seconds). */
  loggedAt: bigint;
}

const coder = AbiCoder.defaultAbiCoder();

/**
 * keccak256 of a step URI's UTF-8 bytes, as the contract hashes `bytes(uri)`.
 *
 * @example
 * hashUri("ipfs://bafy...") // "0x…"
 */
export function hashUri(uri: string): Hex {
  return keccak256(toUtf8Bytes(uri)) as Hex;
}

/**
 * The hash of a step's content (everything but its place in the trace).
 *
 * @example
 * const body = stepBodyHash({ traceId, kind: StepKind.Compute, actor, inputDigest, outputDigest, uriHash: hashUri(uri), loggedAt });
 */
export function stepBodyHash(body: StepBody): Hex {
  return keccak256(
    coder.encode(
      ["bytes32", "uint8", "address", "bytes32", "bytes32", "bytes32", "uint64"],
      [body.traceId, body.kind, body.actor, body.inputDigest, body.outputDigest, body.uriHash, body.loggedAt],
    ),
  ) as Hex;
}

/**
 * The id of a step appended after `previousHead`; also the trace's head right after it.
 *
 * @example
 * const head = computeStepId(ZERO_HASH, stepBodyHash(body));
 */
export function computeStepId(previousHead: Hex, bodyHash: Hex): Hex {
  return keccak256(coder.encode(["bytes32", "bytes32"], [previousHead, bodyHash])) as Hex;
}

/**
 * Folds steps, oldest first, into the trace head they produce. Returns every intermediate head
 * (the step ids) and the final head.
 *
 * @example
 * const { stepIds, head } = foldTrace(steps);
 * head === await registry.traceHead(traceId);
 */
export function foldTrace(
  steps: readonly StepBody[],
  startHead: Hex = ZERO_HASH,
): { stepIds: Hex[]; head: Hex } {
  let head = startHead;
  const stepIds: Hex[] = [];
  for (const step of steps) {
    head = computeStepId(head, stepBodyHash(step));
    stepIds.push(head);
  }
  return { stepIds, head };
}

/** The proof the contract's `reportFailure` takes (field names match the ABI struct). */
export interface StepProof {
  previousHead: Hex;
  kind: number;
  actor: string;
  inputDigest: Hex;
  outputDigest: Hex;
  uriHash: Hex;
  loggedAt: bigint;
  laterBodyHashes: Hex[];
}

/**
 * Builds the proof that step `index` of a trace (steps oldest first) is in the chain ending at
 * the trace's head after its last step.
 *
 * @example
 * const proof = buildStepProof(steps, 1); // prove the second step
 */
export function buildStepProof(steps: readonly StepBody[], index: number): StepProof {
  if (!Number.isInteger(index) || index < 0 || index >= steps.length) {
    throw new RangeError(`step index ${index} is outside the trace (0..${steps.length - 1})`);
  }
  const previousHead = index === 0 ? ZERO_HASH : foldTrace(steps.slice(0, index)).head;
  const step = steps[index];
  return {
    previousHead,
    kind: step.kind,
    actor: step.actor,
    inputDigest: step.inputDigest,
    outputDigest: step.outputDigest,
    uriHash: step.uriHash,
    loggedAt: step.loggedAt,
    laterBodyHashes: steps.slice(index + 1).map(stepBodyHash),
  };
}

/** The EIP-712 domain of a registry deployment. */
export function registryDomain(chainId: bigint, registryAddress: string): TypedDataDomain {
  return { name: "Onus ResponsibilityRegistry", version: "1", chainId, verifyingContract: registryAddress };
}

/** The EIP-712 types of a signed group of steps. */
export const SIGNED_STEPS_TYPES = {
  LogSteps: [
    { name: "actor", type: "address" },
    { name: "steps", type: "Step[]" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
  Step: [
    { name: "traceId", type: "bytes32" },
    { name: "kind", type: "uint8" },
    { name: "inputDigest", type: "bytes32" },
    { name: "outputDigest", type: "bytes32" },
    { name: "uri", type: "string" },
  ],
} as const satisfies Record<string, readonly { name: string; type: string }[]>;

/** A step as the contract takes it (field names match the ABI struct). */
export interface StepInput {
  traceId: Hex;
  kind: number;
  inputDigest: Hex;
  outputDigest: Hex;
  uri: string;
}

/** The message a signer signs for a group of steps. */
export interface SignedStepsMessage {
  actor: string;
  steps: readonly StepInput[];
  nonce: bigint;
  deadline: bigint;
}

/**
 * The EIP-712 digest a signer signs for a group of steps; equal to the contract's
 * `signedStepsDigest`.
 *
 * @example
 * const digest = signedStepsDigest(registryDomain(31337n, registry), { actor, steps, nonce: 0n, deadline });
 */
export function signedStepsDigest(domain: TypedDataDomain, message: SignedStepsMessage): Hex {
  return TypedDataEncoder.hash(domain, mutableTypes(), { ...message, steps: [...message.steps] }) as Hex;
}

/** The EIP-712 types in the mutable shape ethers' signTypedData expects. */
export function mutableTypes(): Record<string, { name: string; type: string }[]> {
  return {
    LogSteps: SIGNED_STEPS_TYPES.LogSteps.map((field) => ({ ...field })),
    Step: SIGNED_STEPS_TYPES.Step.map((field) => ({ ...field })),
  };
}
