/**
 * Input checks run before any transaction is sent. Each throws {@link InvalidInputError} naming
 * the field and the value.
 *
 * @module
 */
import { getAddress, isAddress } from "ethers";
import { InvalidInputError } from "./errors.js";
import { StepKind, type Hex, type StepInput, type StepKindName, type StepKindValue } from "./hashing.js";

/** Largest batch the registry accepts (its `MAX_BATCH_SIZE`). */
export const MAX_BATCH_SIZE = 256;

/** A step kind given by name (`"Compute"`) or number (`1`); numbers are checked at run time. */
export type StepKindInput = StepKindName | StepKindValue | number;

/**
 * Checks an address and returns it checksummed.
 *
 * @example
 * const beneficiary = parseAddress("beneficiary", input.beneficiary);
 */
export function parseAddress(field: string, value: unknown): string {
  if (typeof value !== "string" || !isAddress(value))
    throw new InvalidInputError(field, value, "is not an address");
  return getAddress(value);
}

/**
 * Checks a non-zero address (a beneficiary, a recipient) and returns it checksummed.
 *
 * @example
 * const to = parseNonZeroAddress("to", input.to);
 */
export function parseNonZeroAddress(field: string, value: unknown): string {
  const address = parseAddress(field, value);
  if (/^0x0{40}$/.test(address)) throw new InvalidInputError(field, value, "must not be the zero address");
  return address;
}

/**
 * Checks a 32-byte hex value (a digest, a trace id, a step id).
 *
 * @example
 * const traceId = parseBytes32("traceId", input.traceId, { nonZero: true });
 */
export function parseBytes32(field: string, value: unknown, options: { nonZero?: boolean } = {}): Hex {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value)) {
    const length =
      typeof value === "string" && /^0x[0-9a-fA-F]*$/.test(value) ? (value.length - 2) / 2 : undefined;
    throw new InvalidInputError(
      field,
      value,
      length === undefined ? "is not 32 bytes of 0x-prefixed hex" : `is ${length} bytes; expected 32`,
    );
  }
  if (options.nonZero && /^0x0{64}$/.test(value))
    throw new InvalidInputError(field, value, "must not be zero");
  return value.toLowerCase() as Hex;
}

/**
 * Checks an amount of collateral (a bigint, in the token's smallest unit).
 *
 * @example
 * const amount = parseAmount("amount", input.amount); // rejects 0n and negatives
 */
export function parseAmount(
  field: string,
  value: unknown,
  options: { allowZero?: boolean; max?: bigint } = {},
): bigint {
  if (typeof value !== "bigint") {
    throw new InvalidInputError(field, value, "must be a bigint amount in the collateral's smallest unit");
  }
  if (value < 0n) throw new InvalidInputError(field, value, "must not be negative");
  if (value === 0n && !options.allowZero)
    throw new InvalidInputError(field, value, "must be greater than zero");
  const max = options.max ?? 2n ** 128n - 1n;
  if (value > max) throw new InvalidInputError(field, value, `must be at most ${max}`);
  return value;
}

/**
 * Checks an id counted from 1 (a failure id).
 *
 * @example
 * const failureId = parseId("failureId", 3n);
 */
export function parseId(field: string, value: unknown): bigint {
  const id = typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof id !== "bigint" || id < 1n)
    throw new InvalidInputError(field, value, "must be an id of 1 or more");
  return id;
}

/**
 * Resolves a step kind given by name or number to its number.
 *
 * @example
 * parseStepKind("steps[0].kind", "Verification") // 2
 */
export function parseStepKind(field: string, value: unknown): StepKindValue {
  if (typeof value === "string" && Object.hasOwn(StepKind, value)) return StepKind[value as StepKindName];
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 3)
    return value as StepKindValue;
  throw new InvalidInputError(
    field,
    value,
    `is not a step kind (${Object.keys(StepKind).join(", ")} or 0-3)`,
  );
}

/**
 * Checks a batch's size against the registry's limits.
 *
 * @example
 * parseBatchSize("steps", steps.length);
 */
export function parseBatchSize(field: string, size: number): number {
  if (size === 0) throw new InvalidInputError(field, size, "steps: a batch needs at least one step");
  if (size > MAX_BATCH_SIZE) {
    throw new InvalidInputError(field, size, `steps: a batch holds at most ${MAX_BATCH_SIZE} steps`);
  }
  return size;
}

/**
 * Checks an optional string (a URI).
 *
 * @example
 * const uri = parseOptionalString("uri", input.uri);
 */
export function parseOptionalString(field: string, value: unknown): string {
  if (value === undefined) return "";
  if (typeof value !== "string") throw new InvalidInputError(field, value, "must be a string");
  return value;
}

/**
 * Checks a unix timestamp in seconds (a deadline).
 *
 * @example
 * const deadline = parseTimestamp("deadline", now + 3600n);
 */
export function parseTimestamp(field: string, value: unknown): bigint {
  if (typeof value !== "bigint" || value < 0n || value >= 2n ** 64n) {
    throw new InvalidInputError(field, value, "must be a unix time in seconds (bigint, 0 <= t < 2^64)");
  }
  return value;
}

/** A step to log, as callers give it. */
export interface StepParameters {
  /** The inference id (32 bytes, non-zero). */
  traceId: string;
  /** `"Model" | "Compute" | "Verification" | "Custom"` or 0..3. */
  kind: StepKindInput;
  /** 32-byte digest of what the step consumed. */
  inputDigest: string;
  /** 32-byte digest of what the step produced. */
  outputDigest: string;
  /** Optional pointer to off-chain detail. */
  uri?: string;
}

/**
 * Validates a step and converts it to the contract's shape.
 *
 * @example
 * const step = parseStep("steps[0]", { traceId, kind: "Compute", inputDigest, outputDigest });
 */
export function parseStep(field: string, step: StepParameters): StepInput {
  if (step === null || typeof step !== "object")
    throw new InvalidInputError(field, step, "is not a step object");
  return {
    traceId: parseBytes32(`${field}.traceId`, step.traceId, { nonZero: true }),
    kind: parseStepKind(`${field}.kind`, step.kind),
    inputDigest: parseBytes32(`${field}.inputDigest`, step.inputDigest),
    outputDigest: parseBytes32(`${field}.outputDigest`, step.outputDigest),
    uri: parseOptionalString(`${field}.uri`, step.uri),
  };
}
