/**
 * Turning errors into one clear line and an exit code. User errors never print a stack trace;
 * `--verbose` adds the cause chain.
 */
import {
  ContractRevertError,
  InvalidInputError,
  OnusError,
  RpcRequestError,
  formatValue,
} from "../../sdk/errors.js";
import { CliConfigError } from "./context.js";
import type { Output } from "./output.js";

/** Exit codes: 1 = the chain or the RPC said no; 2 = the command line or configuration is wrong. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A usage problem found by the CLI itself (a malformed file, conflicting flags). */
export class CliUsageError extends OnusError {
  override name = "CliUsageError" as const;
}

/** What to do about a registry revert, by custom error name. */
const HINTS: Record<string, (args: Readonly<Record<string, unknown>>) => string> = {
  OperatorBondTooLow: (args) =>
    `bond first: the registry needs an active bond of ${formatValue(args.minimum)} to log (onus bond <amount>)`,
  BondBelowMinimum: (args) => `bond at least ${formatValue(args.minimum)} in all`,
  DeadlinePassed: (args) =>
    `the window closed at ${formatValue(args.deadline)}; see onus failure <id> for what can happen now`,
  DeadlineNotReached: (args) => `too early: wait until after ${formatValue(args.deadline)}`,
  StepProofMismatch: () => "the trace moved while reporting; run the report again",
  StepAlreadyReported: (args) =>
    `you already reported this step as failure ${formatValue(args.failureId)} (onus failure ${formatValue(args.failureId)})`,
  NothingToCollect: (args) =>
    `nothing to collect: shortfall ${formatValue(args.shortfall)}, free bond ${formatValue(args.availableBond)}`,
  FailureNotCollectable: () => "only an open failure backed by the actor's bond has a shortfall to collect",
  ShortfallOutstanding: (args) =>
    `${formatValue(args.shortfall)} of the compensation is not backed yet: the node must bond more (then onus collect), and until the unbonding delay has passed only the beneficiary may enforce`,
  SignatureExpired: (args) => `the signature expired at ${formatValue(args.deadline)}; sign the steps again`,
  ReportWindowClosed: () => "the step is too old to report",
  FailureNotClaimable: () => "only a Reported failure within its claim window can be claimed",
  OpenFailures: () =>
    "settle the failures against your steps first (onus failures --actor <you> --state open)",
  UnbondingNotReady: (args) => `the unbonding delay ends at ${formatValue(args.unbondableAt)}`,
  NoCredit: () => "nothing to withdraw",
  RegistryPaused: () => "the registry is paused by its admin; settlement and withdrawals still work",
  CallerNotArbiter: () => "only the failure's arbiter can rule",
  CallerNotAccountable: () => "only the accountable party can do this",
  CallerNotBeneficiary: () => "only the beneficiary can do this",
  CallerNotActor: () => "only the step's actor can contest a report",
  ValueMismatch: () => "the amount sent does not match what the registry expects",
  TransferAmountMismatch: () =>
    "the collateral token delivered a different amount (fee-on-transfer tokens are refused)",
};

/**
 * Prints one line for an error and returns the exit code.
 *
 * @example
 * process.exitCode = reportError(error, out, verbose);
 */
export function reportError(error: unknown, out: Output, verbose: boolean): number {
  const red = out.colors.red;
  let message: string;
  let code = EXIT_FAILURE;
  if (error instanceof ContractRevertError) {
    const hint = HINTS[error.errorName]?.(error.args);
    message = `the registry refused: ${error.shortMessage}${hint ? ` — ${hint}` : ""}`;
  } else if (
    error instanceof InvalidInputError ||
    error instanceof CliUsageError ||
    error instanceof CliConfigError
  ) {
    message = error.shortMessage;
    code = EXIT_USAGE;
  } else if (error instanceof RpcRequestError || error instanceof OnusError) {
    message = error.shortMessage;
  } else if (error instanceof Error) {
    message = `unexpected error: ${error.message.split("\n")[0]}`;
  } else {
    message = `unexpected error: ${String(error)}`;
  }
  if (out.json) {
    process.stdout.write(`${JSON.stringify({ error: message, code })}\n`);
  }
  process.stderr.write(`${red("error:")} ${message}\n`);
  if (verbose) process.stderr.write(`${describeCauses(error)}\n`);
  else if (!(
    error instanceof InvalidInputError ||
    error instanceof CliConfigError ||
    error instanceof CliUsageError
  )) {
    process.stderr.write(out.colors.dim("(run with --verbose for the cause)\n"));
  }
  return code;
}

function describeCauses(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 6; depth++) {
    if (current instanceof Error) {
      lines.push(`${depth === 0 ? "" : "caused by: "}${current.name}: ${current.message}`);
      if (depth === 0 && current.stack) lines.push(current.stack.split("\n").slice(1, 6).join("\n"));
      current = current.cause;
    } else {
      lines.push(`caused by: ${String(current)}`);
      break;
    }
  }
  return lines.join("\n");
}
