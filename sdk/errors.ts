/**
 * Errors thrown by the Onus SDK. Every error is an {@link OnusError} with a literal `name`, a
 * one-line `shortMessage`, optional `details` and the underlying `cause`, so callers can branch
 * on the class (or `name`) and show `shortMessage` to people.
 *
 * @module
 */
import { Interface, isCallException, isError, type ErrorDescription } from "ethers";

/** Fields every Onus error carries. */
export interface OnusErrorOptions {
  /** Extra context for logs and `--verbose` output. */
  details?: string;
  /** The error this one wraps. */
  cause?: unknown;
}

/**
 * Base class of every error the SDK throws.
 *
 * @example
 * try { await onus.claimResponsibility({ failureId: 3n }); }
 * catch (error) { if (error instanceof OnusError) console.error(error.shortMessage); }
 */
export class OnusError extends Error {
  override name: string = "OnusError";
  /** One line a person can act on. */
  readonly shortMessage: string;
  /** Extra context, if any. */
  readonly details: string | undefined;

  constructor(shortMessage: string, options: OnusErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, {
      cause: options.cause,
    });
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}

/**
 * Input rejected before any transaction was sent: names the field and the value.
 *
 * @example
 * // InvalidInputError: beneficiary: "0x12" is not an address
 */
export class InvalidInputError extends OnusError {
  override name = "InvalidInputError" as const;
  /** The parameter that was wrong (dotted path for nested fields, e.g. `steps[2].kind`). */
  readonly field: string;
  /** The value given. */
  readonly value: unknown;

  constructor(field: string, value: unknown, problem: string) {
    super(`${field}: ${formatValue(value)} ${problem}`);
    this.field = field;
    this.value = value;
  }
}

/**
 * The registry reverted (during gas estimation, a call, or on-chain), decoded into the
 * contract's custom error name and named arguments.
 *
 * @example
 * // ContractRevertError: FailureNotClaimable(failureId=3, state=Compensated)
 * if (error instanceof ContractRevertError && error.errorName === "DeadlinePassed") { … }
 */
export class ContractRevertError extends OnusError {
  override name = "ContractRevertError" as const;
  /** The custom error's name, e.g. `FailureNotClaimable` (or `Error` / `Panic`). */
  readonly errorName: string;
  /** The error's arguments by name. */
  readonly args: Readonly<Record<string, unknown>>;
  /** The raw revert data. */
  readonly data: string;

  constructor(
    errorName: string,
    args: Record<string, unknown>,
    data: string,
    options: OnusErrorOptions = {},
  ) {
    // Enum names (state=Compensated) read best bare; other values as formatValue renders them.
    const rendered = Object.entries(args)
      .map(
        ([key, value]) =>
          `${key}=${typeof value === "string" && /^[A-Z]\w*$/.test(value) ? value : formatValue(value)}`,
      )
      .join(", ");
    super(`${errorName}(${rendered})`, options);
    this.errorName = errorName;
    this.args = args;
    this.data = data;
  }
}

/** A transaction was sent but failed without revert data (out of gas, dropped, replaced). */
export class TransactionFailedError extends OnusError {
  override name = "TransactionFailedError" as const;
  /** The transaction hash, when one was assigned. */
  readonly transactionHash: string | undefined;

  constructor(shortMessage: string, transactionHash: string | undefined, options: OnusErrorOptions = {}) {
    super(shortMessage, options);
    this.transactionHash = transactionHash;
  }
}

/** The RPC endpoint failed (after the configured retries for rate limits). */
export class RpcRequestError extends OnusError {
  override name = "RpcRequestError" as const;
}

/** A write was attempted on a read-only client (no signer). */
export class ReadOnlyClientError extends OnusError {
  override name = "ReadOnlyClientError" as const;

  constructor(action: string) {
    super(`${action} needs a signer: create the client with a Signer, not a Provider`);
  }
}

/** Something the caller asked for does not exist on-chain (a failure id, a step of a trace). */
export class NotFoundError extends OnusError {
  override name = "NotFoundError" as const;
}

/** The step batcher was closed; no more steps can be added. */
export class BatcherClosedError extends OnusError {
  override name = "BatcherClosedError" as const;

  constructor() {
    super("the step batcher is closed; create a new one to log more steps");
  }
}

/** Names of the registry's enums, so decoded errors show `state=Compensated`, not `state=6`. */
export const FAILURE_STATE_NAMES = [
  "None",
  "Reported",
  "Claimed",
  "Assigned",
  "Contested",
  "RemedyProposed",
  "Compensated",
  "Remedied",
  "Enforced",
  "RuledValid",
  "RuledInvalid",
  "Drawn",
] as const;
export const RULING_NAMES = ["None", "Valid", "Invalid", "Refused"] as const;

/** Error arguments that hold a registry enum, by argument name (the ABI keeps no enum types). */
const ENUM_ARGUMENTS: Record<string, readonly string[]> = {
  state: FAILURE_STATE_NAMES,
  ruling: RULING_NAMES,
};

/** Names for the unnamed arguments of Solidity's built-in errors. */
const BUILTIN_ARGUMENTS: Record<string, string> = { Error: "reason", Panic: "code" };

/** Named arguments of a decoded error, with registry enums shown by name. */
function namedArgs(description: ErrorDescription): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  description.fragment.inputs.forEach((input, index) => {
    const value: unknown = description.args[index];
    const names = ENUM_ARGUMENTS[input.name];
    const name = input.name || BUILTIN_ARGUMENTS[description.name] || `arg${index}`;
    named[name] =
      names && typeof value === "bigint" && value < BigInt(names.length) ? names[Number(value)] : value;
  });
  return named;
}

/** Finds revert data anywhere in an ethers error (nested `error`, `info`, `cause`). */
function findRevertData(error: unknown, depth = 0): string | undefined {
  if (depth > 6 || error === null || typeof error !== "object") return undefined;
  const record = error as Record<string, unknown>;
  if (typeof record.data === "string" && /^0x[0-9a-fA-F]*$/.test(record.data) && record.data.length >= 10) {
    return record.data;
  }
  if (record.data && typeof record.data === "object") {
    const nested = findRevertData(record.data, depth + 1);
    if (nested) return nested;
  }
  for (const key of ["error", "info", "cause", "revert"]) {
    const nested = findRevertData(record[key], depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * Turns whatever an ethers call threw into an {@link OnusError}: reverts are decoded with the
 * registry's interface (custom errors, `Error(string)`, `Panic(uint256)`); everything else is
 * wrapped with its message.
 *
 * @example
 * try { await contract.claimResponsibility.staticCall(id); }
 * catch (error) { throw toOnusError(error, registry.interface, "claim responsibility"); }
 */
export function toOnusError(error: unknown, contractInterface: Interface, action: string): OnusError {
  if (error instanceof OnusError) return error;
  const data = findRevertData(error);
  if (data) {
    const description = safeParseError(contractInterface, data);
    if (description)
      return new ContractRevertError(description.name, namedArgs(description), data, { cause: error });
    return new ContractRevertError("UnknownError", { data }, data, {
      cause: error,
      details: "the revert data matches no error in the registry's ABI",
    });
  }
  if (isCallException(error)) {
    const reason = error.reason ?? error.shortMessage;
    return new ContractRevertError("Error", { reason }, "0x", { cause: error, details: error.message });
  }
  if (isError(error, "NONCE_EXPIRED") || isError(error, "REPLACEMENT_UNDERPRICED")) {
    return new TransactionFailedError(`${action}: ${error.shortMessage}`, undefined, { cause: error });
  }
  if (isError(error, "INSUFFICIENT_FUNDS")) {
    return new TransactionFailedError(`${action}: the sender cannot pay for this transaction`, undefined, {
      cause: error,
    });
  }
  const message =
    error instanceof Error
      ? ((error as { shortMessage?: string }).shortMessage ?? error.message)
      : String(error);
  return new RpcRequestError(`${action} failed: ${message}`, { cause: error });
}

function safeParseError(contractInterface: Interface, data: string): ErrorDescription | null {
  try {
    return contractInterface.parseError(data);
  } catch {
    return null;
  }
}

/** Renders a value for an error message: strings quoted, bigints plain, objects as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return /^0x[0-9a-fA-F]*$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "bigint") return value.toString();
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === "bigint" ? inner.toString() : inner,
    );
  } catch {
    return String(value);
  }
}
