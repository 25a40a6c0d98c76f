/**
 * Onus SDK — a typed client for the Onus ResponsibilityRegistry.
 *
 * - {@link createOnusClient}: every action (log steps, bond, report, claim, settle, rule, withdraw, admin).
 * - {@link createOnusReader}: read-only access for integrators (traces, verification, failures, ledgers).
 * - Hashing helpers that reproduce the contract's step digests, trace heads, proofs and EIP-712 payloads.
 * - One error hierarchy rooted at {@link OnusError}; reverts decoded into custom errors.
 *
 * @example
 * import { createOnusClient } from "onus";
 * const onus = createOnusClient({ address: registry, runner: wallet });
 * const { stepId } = await onus.logStep({ traceId, kind: "Compute", inputDigest, outputDigest });
 *
 * @module
 */
export * from "./batcher.js";
export * from "./client.js";
export * from "./errors.js";
export * from "./hashing.js";
export * from "./logs.js";
export * from "./reader.js";
export * from "./sender.js";
export * from "./types.js";
export * from "./validation.js";
export * from "./watch.js";
export { ResponsibilityRegistry__factory } from "../types/ethers-contracts/factories/ResponsibilityRegistry__factory.js";
export type { ResponsibilityRegistry } from "../types/ethers-contracts/ResponsibilityRegistry.js";
export * from "./defaults.js";
