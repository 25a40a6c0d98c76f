/**
 * The `onus` commands. Each command resolves its context (RPC, registry, signer) from flags,
 * environment and config file, calls the SDK, and prints a table or `--json`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Command, Option } from "commander";
import { id, ZeroAddress } from "ethers";
import { ResponsibilityRegistry__factory } from "../../types/ethers-contracts/factories/ResponsibilityRegistry__factory.js";
import {
  defaultParameters,
  FAILURE_STATE_NAMES,
  InvalidInputError,
  OPEN_FAILURE_STATES,
  type FailureStateName,
  type FailureView,
  type Hex,
  type RegistryEvent,
  type RegistryParameters,
  type StepParameters,
} from "../../sdk/index.js";
import { parseAddress, parseBytes32, parseId, parseStep } from "../../sdk/validation.js";
import { formatAmount, parseAmountWithUnit, type Collateral } from "./amounts.js";
import {
  connect,
  describeCollateral,
  loadSigner,
  openProvider,
  resolveSettings,
  type Context,
  type GlobalOptions,
} from "./context.js";
import { CliUsageError, EXIT_USAGE, reportError } from "./errors.js";
import { createOutput, formatDuration, formatTime, short, type Output } from "./output.js";

/** Every state a failure can be in (the `--state` choices). */
const STATE_NAMES = FAILURE_STATE_NAMES.filter((name) => name !== "None");

/**
 * Runs the CLI: refuses secrets given as arguments, then parses and runs the command.
 *
 * @example
 * await main(process.argv);
 */
export async function main(argv: readonly string[]): Promise<void> {
  if (argv.some((arg) => /^--(private-?key|pk|mnemonic|password|secret)(=|$)/i.test(arg))) {
    process.stderr.write(
      "error: secrets are never taken as command-line arguments: set ONUS_PRIVATE_KEY, or use --keystore <file> with ONUS_KEYSTORE_PASSWORD or a prompt\n",
    );
    process.exitCode = EXIT_USAGE;
    return;
  }
  await buildProgram().parseAsync([...argv]);
}

/**
 * Builds the `onus` program.
 *
 * @example
 * await buildProgram().parseAsync(process.argv);
 */
export function buildProgram(): Command {
  const program = new Command("onus")
    .description(
      "Onus: an on-chain responsibility registry for AI inference — log steps, report failures, claim responsibility, settle, and read the ledger.",
    )
    .version("0.1.0")
    .option("--rpc <url>", "JSON-RPC URL (env ONUS_RPC_URL; default http://127.0.0.1:8545)")
    .option(
      "--registry <address>",
      "registry address (env ONUS_REGISTRY; default: the Ignition deployment for the RPC's chain)",
    )
    .option("--config <file>", "config file (env ONUS_CONFIG; default ./onus.config.json if present)")
    .option(
      "--keystore <file>",
      "encrypted JSON keystore to sign with (env ONUS_KEYSTORE; password from ONUS_KEYSTORE_PASSWORD or a prompt)",
    )
    .option("--chain-id <id>", "expected chain id; refuse to run on another chain (env ONUS_CHAIN_ID)")
    .option(
      "--from-block <n>",
      "block to start log scans at, e.g. the deployment block (env ONUS_FROM_BLOCK)",
    )
    .option("--json", "print JSON for machines instead of tables", false)
    .option("--verbose", "on errors, print the cause chain", false)
    .option("--no-color", "never colour the output")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Signing: commands that send transactions use ONUS_PRIVATE_KEY (a private key in the
environment) or --keystore <file>. Keys are never taken as command-line arguments.

Values: ids and digests are 32-byte hex (0x…) or any text, which is hashed with keccak256.
Amounts take units: 1.5eth, 250000gwei, 42wei, "200 OPG" (the token's symbol), or a bare 1.5.

Examples:
  $ onus params
  $ onus log --trace inference-42 --kind Compute --input "What is 2+2?" --output "4"
  $ onus trace inference-42
  $ onus report --trace inference-42 --index 1 --beneficiary 0xUser… --compensation 0.5eth --evidence "expected 4, got 5"
  $ onus watch --actor 0xMyNode… --auto-claim --max-spend 2eth
  $ onus ledger 0xMyNode…`,
    );
  program.configureOutput({ outputError: (text, write) => write(text) });
  program.exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
  });
  addDeploy(program);
  addLog(program);
  addTrace(program);
  addBondCommands(program);
  addFailureCommands(program);
  addReads(program);
  addWatch(program);
  addAdvanceTime(program);
  return program;
}

// ── Running a command ──────────────────────────────────────────────────────────────────────────

type Handler = (
  context: Context,
  out: Output,
  options: Record<string, unknown>,
  args: string[],
) => Promise<void>;

/** Wraps a handler: connects, runs, prints errors as one line, sets the exit code, disconnects. */
function run(handler: Handler) {
  return async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const options = command.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
    const args = received.slice(0, -2).map(String);
    const out = createOutput({
      json: Boolean(options.json),
      color: options.color === false ? false : undefined,
    });
    let context: Context | undefined;
    try {
      out.progress("connecting…");
      context = await connect(options, out);
      out.done();
      await handler(context, out, options, args);
    } catch (error) {
      out.done();
      process.exitCode = reportError(error, out, Boolean(options.verbose));
    } finally {
      context?.close();
    }
  };
}

/** A 32-byte value given as 0x-hex (checked) or as text (hashed with keccak256). */
function hexOrText(field: string, text: string): Hex {
  if (text.startsWith("0x")) return parseBytes32(field, text);
  if (text.length === 0) throw new InvalidInputError(field, text, "is empty");
  return id(text) as Hex;
}

function amount(field: string, text: unknown, collateral: Collateral): bigint {
  if (typeof text !== "string") throw new InvalidInputError(field, text, "is required");
  return parseAmountWithUnit(field, text, collateral);
}

function failureIdArg(text: string): bigint {
  if (!/^\d+$/.test(text)) throw new InvalidInputError("failureId", text, "must be a failure id (1, 2, …)");
  return parseId("failureId", BigInt(text));
}

function txLine(
  out: Output,
  result: { transactionHash: string; blockNumber: number; gasUsed: bigint },
): void {
  out.line(
    out.colors.dim(`  tx ${result.transactionHash} (block ${result.blockNumber}, gas ${result.gasUsed})`),
  );
}

// ── deploy ─────────────────────────────────────────────────────────────────────────────────────

function addDeploy(program: Command): void {
  program
    .command("deploy")
    .description("deploy a ResponsibilityRegistry with the signer as owner")
    .option("--collateral <native|address>", "native currency, or an ERC-20 token address", "native")
    .option("--gated", "gated logging: logs check the pause flag and the minimum operator bond", false)
    .option("--minimum-bond <amount>", "minimum operator bond (in collateral units)", "0")
    .option(
      "--parameters <file>",
      "JSON file with parameter overrides (reporterBond, claimWindow, … as strings)",
    )
    .option("--arbiter <address>", "arbiter address (default: the signer)")
    .option("--treasury <address>", "treasury address (default: the signer)")
    .option("--save", "write the registry, RPC URL, chain id and deployment block to onus.config.json", false)
    .addHelpText(
      "after",
      `
Examples:
  $ onus deploy
  $ onus deploy --collateral 0xToken… --gated --minimum-bond "100 OPG" --arbiter 0xDAO… --save
  $ onus deploy --parameters params.json   # {"claimWindow": "172800", "reporterBond": "50000000000000000"}`,
    )
    .action(async (...received: unknown[]) => {
      const command = received[received.length - 1] as Command;
      const options = command.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
      const out = createOutput({
        json: Boolean(options.json),
        color: options.color === false ? false : undefined,
      });
      const settings = resolveSettings(options);
      let destroy: (() => void) | undefined;
      try {
        const { provider, chainId } = await openProvider(settings.rpcUrl);
        destroy = () => provider.destroy();
        const signer = await loadSigner(settings, provider, out);
        const me = await signer.getAddress();
        const token =
          options.collateral === "native" ? ZeroAddress : parseAddress("collateral", options.collateral);
        const collateral = await describeCollateral(token, provider);
        const minimum =
          options.minimumBond === "0" ? 0n : amount("minimum-bond", options.minimumBond, collateral);
        const parameters: RegistryParameters = {
          ...defaultParameters({
            arbiter: options.arbiter === undefined ? me : parseAddress("arbiter", options.arbiter),
            treasury: options.treasury === undefined ? me : parseAddress("treasury", options.treasury),
          }),
          ...readParameterFile(options.parameters),
        };
        out.progress("deploying ResponsibilityRegistry…");
        const registry = await new ResponsibilityRegistry__factory(signer).deploy(
          token,
          parameters,
          Boolean(options.gated),
          minimum,
          me,
        );
        const receipt = await registry.deploymentTransaction()?.wait();
        out.done();
        const address = await registry.getAddress();
        const deployment = {
          registry: address,
          chainId,
          rpcUrl: settings.rpcUrl,
          deploymentBlock: receipt?.blockNumber ?? 0,
          collateral: token,
          gatedLogging: Boolean(options.gated),
          owner: me,
          transactionHash: receipt?.hash,
        };
        if (options.save) {
          writeFileSync(
            "onus.config.json",
            `${JSON.stringify({ rpcUrl: settings.rpcUrl, registry: address, chainId, deploymentBlock: deployment.deploymentBlock }, null, 2)}\n`,
          );
        }
        if (out.json) out.data(deployment);
        else {
          out.line(`${out.colors.green("deployed")} ResponsibilityRegistry at ${out.colors.bold(address)}`);
          out.line(`  chain ${chainId}, block ${deployment.deploymentBlock}, owner ${me}`);
          out.line(
            `  collateral ${token === ZeroAddress ? "native currency" : token}, logging ${options.gated ? "gated" : "open"}`,
          );
          if (options.save) out.line("  saved to onus.config.json");
          else out.line(out.colors.dim(`  next: export ONUS_REGISTRY=${address}`));
        }
      } catch (error) {
        out.done();
        process.exitCode = reportError(error, out, Boolean(options.verbose));
      } finally {
        destroy?.();
      }
    });
}

function readParameterFile(path: unknown): Partial<RegistryParameters> {
  if (path === undefined) return {};
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(String(path), "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new CliUsageError(`parameters file ${String(path)} is not readable JSON`, { cause: error });
  }
  const result: Partial<RegistryParameters> = {};
  const numeric = [
    "reporterBond",
    "compensationCap",
    "reportWindow",
    "claimWindow",
    "resolutionWindow",
    "remedyWindow",
    "arbitrationTimeout",
    "unbondingDelay",
    "treasuryShareBps",
  ] as const;
  for (const [key, value] of Object.entries(raw)) {
    if ((numeric as readonly string[]).includes(key)) {
      if ((typeof value !== "string" && typeof value !== "number") || !/^\d+$/.test(String(value))) {
        throw new InvalidInputError(`parameters.${key}`, value, "must be a whole number (as a string)");
      }
      result[key as (typeof numeric)[number]] = BigInt(value);
    } else if (key === "arbiter" || key === "treasury") {
      result[key] = parseAddress(`parameters.${key}`, value);
    } else {
      throw new InvalidInputError(`parameters.${key}`, value, "is not a registry parameter");
    }
  }
  return result;
}

// ── log ────────────────────────────────────────────────────────────────────────────────────────

function addLog(program: Command): void {
  program
    .command("log")
    .description("log one step, or a batch of steps from a JSON or NDJSON file")
    .option("--trace <id>", "inference (trace) id: 0x-hex or text")
    .addOption(
      new Option("--kind <kind>", "step kind").choices(["Model", "Compute", "Verification", "Custom"]),
    )
    .option("--input <digest>", "input digest: 0x-hex or text")
    .option("--output <digest>", "output digest: 0x-hex or text")
    .option("--uri <uri>", "pointer to off-chain detail", "")
    .option("--file <path>", "JSON array or NDJSON of steps {traceId, kind, inputDigest, outputDigest, uri}")
    .option("--batch-size <n>", "steps per transaction when logging a file (1-256)", "256")
    .addHelpText(
      "after",
      `
Examples:
  $ onus log --trace inference-42 --kind Model --input "llama-3-8b weights" --output "q4 config"
  $ onus log --trace 0x5a…e1 --kind Compute --input 0x12…34 --output 0x56…78 --uri ipfs://bafy…
  $ onus log --file steps.ndjson --batch-size 100

A file line looks like:
  {"traceId": "inference-42", "kind": "Verification", "inputDigest": "4", "outputDigest": "ok", "uri": ""}`,
    )
    .action(
      run(async (context, out, options) => {
        const client = await context.client();
        if (options.file !== undefined) {
          if (options.trace !== undefined || options.kind !== undefined) {
            throw new CliUsageError("give either --file or --trace/--kind/--input/--output, not both");
          }
          const steps = readStepFile(String(options.file));
          const batchSize = Number(options.batchSize);
          if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 256) {
            throw new InvalidInputError(
              "batch-size",
              options.batchSize,
              "must be a whole number from 1 to 256",
            );
          }
          const logged: { stepId: string; traceId: string; kind: string; transactionHash: string }[] = [];
          for (let start = 0; start < steps.length; start += batchSize) {
            const batch = steps.slice(start, start + batchSize);
            out.progress(`logging steps ${start + 1}-${start + batch.length} of ${steps.length}…`);
            const result = await client.logSteps({ steps: batch });
            for (const step of result.steps)
              logged.push({ ...step, transactionHash: result.transactionHash });
          }
          out.done();
          if (out.json) out.data({ steps: logged });
          else {
            out.line(
              `${out.colors.green("logged")} ${logged.length} steps in ${Math.ceil(steps.length / batchSize)} transaction(s)`,
            );
            out.table(
              ["#", "trace", "kind", "step id", "tx"],
              logged.map((step, index) => [
                index + 1,
                short(step.traceId),
                step.kind,
                short(step.stepId),
                short(step.transactionHash),
              ]),
            );
          }
          return;
        }
        for (const flag of ["trace", "kind", "input", "output"]) {
          if (options[flag] === undefined) throw new CliUsageError(`missing --${flag} (or give --file)`);
        }
        const result = await client.logStep({
          traceId: hexOrText("trace", String(options.trace)),
          kind: String(options.kind) as StepParameters["kind"],
          inputDigest: hexOrText("input", String(options.input)),
          outputDigest: hexOrText("output", String(options.output)),
          uri: String(options.uri ?? ""),
        });
        if (out.json) {
          out.data({
            stepId: result.stepId,
            traceId: result.traceId,
            actor: result.actor,
            kind: result.kind,
            loggedAt: result.loggedAt,
            transactionHash: result.transactionHash,
          });
        } else {
          out.line(`${out.colors.green("logged")} ${result.kind} step ${out.colors.bold(result.stepId)}`);
          out.line(`  trace ${result.traceId}, actor ${result.actor}`);
          txLine(out, result);
        }
      }),
    );
}

/** Reads steps from a JSON array or NDJSON file, naming the line of any bad step. */
export function readStepFile(path: string): StepParameters[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliUsageError(`cannot read ${path}`, { cause: error });
  }
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new CliUsageError(`${path} has no steps`);
  let entries: { value: unknown; where: string }[];
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new CliUsageError(`${path} is not valid JSON: ${(error as Error).message}`);
    }
    entries = (parsed as unknown[]).map((value, index) => ({ value, where: `${path} step ${index + 1}` }));
  } else {
    entries = [];
    trimmed.split("\n").forEach((line, index) => {
      if (line.trim() === "") return;
      try {
        entries.push({ value: JSON.parse(line), where: `${path} line ${index + 1}` });
      } catch {
        throw new CliUsageError(`${path} line ${index + 1} is not valid JSON`);
      }
    });
  }
  return entries.map(({ value, where }) => {
    if (value === null || typeof value !== "object") throw new CliUsageError(`${where} is not a step object`);
    const step = value as Record<string, unknown>;
    try {
      const prepared: StepParameters = {
        traceId: hexOrText("traceId", String(step.traceId ?? "")),
        kind: step.kind as StepParameters["kind"],
        inputDigest: hexOrText("inputDigest", String(step.inputDigest ?? "")),
        outputDigest: hexOrText("outputDigest", String(step.outputDigest ?? "")),
        uri: step.uri === undefined ? "" : String(step.uri),
      };
      parseStep("step", prepared);
      return prepared;
    } catch (error) {
      if (error instanceof InvalidInputError) throw new CliUsageError(`${where}: ${error.shortMessage}`);
      throw error;
    }
  });
}

// ── trace ──────────────────────────────────────────────────────────────────────────────────────

function addTrace(program: Command): void {
  program
    .command("trace")
    .description("show an inference's steps as a timeline and verify the chain against the stored head")
    .argument("<inferenceId>", "trace id: 0x-hex or the text it was logged with")
    .addHelpText("after", "\nExamples:\n  $ onus trace inference-42\n  $ onus trace 0x5a…e1 --json")
    .action(
      run(async (context, out, _options, [inferenceId]) => {
        const traceId = hexOrText("inferenceId", inferenceId);
        const trace = await context.reader.getTrace(traceId, {
          onProgress: ({ scannedTo, toBlock, logs }) =>
            out.progress(`scanning blocks… ${scannedTo}/${toBlock} (${logs} steps)`),
        });
        out.done();
        const verification = await context.reader.verifyTrace(trace);
        if (out.json) {
          out.data({ ...trace, verification });
          return;
        }
        out.line(`trace ${out.colors.bold(traceId)} — ${trace.steps.length} step(s)`);
        if (trace.steps.length > 0) {
          out.table(
            ["#", "time (UTC)", "kind", "actor", "step id", "input", "output", "uri"],
            trace.steps.map((step) => [
              step.index + 1,
              formatTime(step.loggedAt),
              step.kind,
              short(step.actor, 4),
              short(step.stepId),
              short(step.inputDigest, 4),
              short(step.outputDigest, 4),
              step.uri === "" ? "-" : step.uri.length > 30 ? `${step.uri.slice(0, 29)}…` : step.uri,
            ]),
          );
        }
        out.line(
          verification.valid
            ? `${out.colors.green("✓ verified")}: the steps fold to the stored head ${short(verification.storedHead)}`
            : `${out.colors.red("✗ NOT verified")}: ${verification.reason}`,
        );
        if (!verification.valid) process.exitCode = 1;
      }),
    );
}

// ── bonds ──────────────────────────────────────────────────────────────────────────────────────

function addBondCommands(program: Command): void {
  program
    .command("bond")
    .description("post or top up your operator bond")
    .argument("<amount>", 'amount with unit, e.g. 1eth or "100 OPG"')
    .addHelpText("after", '\nExamples:\n  $ onus bond 1eth\n  $ onus bond "250 OPG"')
    .action(
      run(async (context, out, _options, [text]) => {
        const client = await context.client();
        const result = await client.bond({ amount: amount("amount", text, context.collateral) });
        if (out.json)
          out.data({
            amount: result.amount,
            newBond: result.newBond,
            transactionHash: result.transactionHash,
          });
        else {
          out.line(
            `${out.colors.green("bonded")} ${formatAmount(result.amount, context.collateral)}; your bond is now ${formatAmount(result.newBond, context.collateral)}`,
          );
          txLine(out, result);
        }
      }),
    );

  program
    .command("unbond")
    .description("start unbonding part of your bond (withdraw it with `onus withdraw` after the delay)")
    .argument("<amount>", "amount with unit")
    .addHelpText("after", "\nExamples:\n  $ onus unbond 0.5eth")
    .action(
      run(async (context, out, _options, [text]) => {
        const client = await context.client();
        const result = await client.startUnbonding({ amount: amount("amount", text, context.collateral) });
        if (out.json)
          out.data({
            amount: result.amount,
            unbonding: result.unbonding,
            unbondableAt: result.unbondableAt,
            transactionHash: result.transactionHash,
          });
        else {
          out.line(
            `${out.colors.green("unbonding")} ${formatAmount(result.unbonding, context.collateral)}, withdrawable after ${formatTime(result.unbondableAt)}`,
          );
          out.line(
            out.colors.dim(
              "  it stays slashable until then, and cannot leave while failures against your steps are open",
            ),
          );
          txLine(out, result);
        }
      }),
    );

  program
    .command("withdraw")
    .description(
      "withdraw your credits (payouts, returned stakes and bonds); first releases an unbonded bond if its delay has passed",
    )
    .option("--to <address>", "send to another address")
    .addHelpText("after", "\nExamples:\n  $ onus withdraw\n  $ onus withdraw --to 0xColdWallet…")
    .action(
      run(async (context, out, options) => {
        const client = await context.client();
        const me = await client.getSignerAddress();
        const bond = await client.getBond(me);
        const latest = await context.provider.getBlock("latest");
        const now = BigInt(latest?.timestamp ?? 0);
        let released = 0n;
        if (bond.unbonding > 0n && now + 1n >= bond.unbondableAt && bond.openFailures === 0) {
          released = (await client.withdrawBond()).amount;
        }
        const credit = await client.getCredit(me);
        if (credit === 0n) {
          const why =
            bond.unbonding > 0n && released === 0n
              ? `; ${formatAmount(bond.unbonding, context.collateral)} is still unbonding until ${formatTime(bond.unbondableAt)}${bond.openFailures > 0 ? ` and ${bond.openFailures} failure(s) are open` : ""}`
              : "";
          throw new CliUsageError(`nothing to withdraw${why}`);
        }
        const result = await client.withdraw(options.to === undefined ? {} : { to: String(options.to) });
        if (out.json)
          out.data({
            amount: result.amount,
            to: result.to,
            releasedBond: released,
            transactionHash: result.transactionHash,
          });
        else {
          if (released > 0n)
            out.line(`released ${formatAmount(released, context.collateral)} of unbonded bond`);
          out.line(
            `${out.colors.green("withdrew")} ${formatAmount(result.amount, context.collateral)} to ${result.to}`,
          );
          txLine(out, result);
        }
      }),
    );
}

// ── failures: report, claim, contest, fallback, compensate, remedy, enforce, rule, expire ─────

function addFailureCommands(program: Command): void {
  program
    .command("report")
    .description("report a failed step, posting the reporter bond")
    .requiredOption("--trace <id>", "trace id: 0x-hex or text")
    .option("--step <stepId>", "the failed step's id")
    .option("--index <n>", "the failed step's position in the trace, from 0")
    .requiredOption("--beneficiary <address>", "the affected party, who receives the compensation")
    .requiredOption("--compensation <amount>", "compensation asked, with unit")
    .requiredOption("--evidence <digest>", "evidence digest: 0x-hex or text")
    .option("--evidence-uri <uri>", "pointer to the evidence", "")
    .addHelpText(
      "after",
      `
Examples:
  $ onus report --trace inference-42 --index 1 --beneficiary 0xUser… --compensation 0.5eth --evidence "expected 4, got 5"
  $ onus report --trace 0x5a…e1 --step 0x9b…c2 --beneficiary 0xUser… --compensation "20 OPG" --evidence 0xab…cd --evidence-uri ipfs://bafy…`,
    )
    .action(
      run(async (context, out, options) => {
        if ((options.step === undefined) === (options.index === undefined)) {
          throw new CliUsageError("give exactly one of --step <stepId> and --index <n>");
        }
        if (options.index !== undefined && !/^\d+$/.test(String(options.index))) {
          throw new InvalidInputError("index", options.index, "must be a step position from 0");
        }
        const client = await context.client();
        const result = await client.reportFailure({
          traceId: hexOrText("trace", String(options.trace)),
          ...(options.step === undefined
            ? { stepIndex: Number(options.index) }
            : { stepId: parseBytes32("step", options.step) }),
          beneficiary: parseAddress("beneficiary", options.beneficiary),
          compensation: amount("compensation", options.compensation, context.collateral),
          evidenceDigest: hexOrText("evidence", String(options.evidence)),
          evidenceUri: String(options.evidenceUri ?? ""),
          logOptions: {
            onProgress: ({ scannedTo, toBlock }) =>
              out.progress(`reading the trace… block ${scannedTo}/${toBlock}`),
          },
        });
        out.done();
        if (out.json) {
          out.data({
            failureId: result.failureId,
            stepId: result.stepId,
            actor: result.actor,
            reporterBond: result.reporterBond,
            claimDeadline: result.claimDeadline,
            attempts: result.attempts,
            transactionHash: result.transactionHash,
          });
        } else {
          out.line(
            `${out.colors.green("reported")} failure ${out.colors.bold(`#${result.failureId}`)} against step ${short(result.stepId)} by ${result.actor}`,
          );
          out.line(
            `  reporter bond ${formatAmount(result.reporterBond, context.collateral)}; anyone may claim it until ${formatTime(result.claimDeadline)}`,
          );
          txLine(out, result);
        }
      }),
    );

  program
    .command("claim")
    .description("stake a failure's compensation to become its accountable party")
    .argument("<failureId>")
    .addHelpText("after", "\nExamples:\n  $ onus claim 3")
    .action(
      run(async (context, out, _options, [text]) => {
        const client = await context.client();
        const result = await client.claimResponsibility({ failureId: failureIdArg(text) });
        if (out.json)
          out.data({
            failureId: result.failureId,
            stake: result.stake,
            resolutionDeadline: result.resolutionDeadline,
            transactionHash: result.transactionHash,
          });
        else {
          out.line(
            `${out.colors.green("claimed")} failure #${result.failureId}, staking ${formatAmount(result.stake, context.collateral)}`,
          );
          out.line(
            `  compensate, propose a remedy, or contest before ${formatTime(result.resolutionDeadline)}`,
          );
          txLine(out, result);
        }
      }),
    );

  program
    .command("contest")
    .description(
      "contest a failure (the step's actor during the claim window, or the accountable party) — the arbiter rules",
    )
    .argument("<failureId>")
    .option("--reason <digest>", "grounds: 0x-hex or text", "")
    .option("--reason-uri <uri>", "pointer to the grounds", "")
    .addHelpText(
      "after",
      '\nExamples:\n  $ onus contest 3 --reason "the output was correct" --reason-uri ipfs://bafy…',
    )
    .action(
      run(async (context, out, options, [text]) => {
        const client = await context.client();
        const result = await client.contest({
          failureId: failureIdArg(text),
          ...(options.reason === "" ? {} : { reasonDigest: hexOrText("reason", String(options.reason)) }),
          reasonUri: String(options.reasonUri ?? ""),
        });
        if (out.json)
          out.data({
            failureId: result.failureId,
            locked: result.locked,
            shortfall: result.shortfall,
            arbitrationDeadline: result.arbitrationDeadline,
            transactionHash: result.transactionHash,
          });
        else {
          out.line(
            `${out.colors.green("contested")} failure #${result.failureId}; the arbiter has until ${formatTime(result.arbitrationDeadline)}`,
          );
          out.line(
            `  collateral locked ${formatAmount(result.locked, context.collateral)}${result.shortfall > 0n ? `, shortfall ${formatAmount(result.shortfall, context.collateral)}` : ""}`,
          );
          txLine(out, result);
        }
      }),
    );

  program
    .command("fallback")
    .description(
      "after an unclaimed failure's claim window, make the step's actor accountable (its bond is locked)",
    )
    .argument("<failureId>")
    .addHelpText("after", "\nExamples:\n  $ onus fallback 3")
    .action(
      run(async (context, out, _options, [text]) => {
        const client = await context.client();
        const result = await client.assignFallback({ failureId: failureIdArg(text) });
        if (out.json)
          out.data({
            failureId: result.failureId,
            actor: result.actor,
            locked: result.locked,
            shortfall: result.shortfall,
            resolutionDeadline: result.resolutionDeadline,
            transactionHash: result.transactionHash,
          });
        else {
          out.line(
            `${out.colors.green("assigned")} failure #${result.failureId} to ${result.actor}: ${formatAmount(result.locked, context.collateral)} of its bond locked`,
          );
          if (result.shortfall > 0n)
            out.line(
              out.colors.yellow(
                `  shortfall ${formatAmount(result.shortfall, context.collateral)}: the bond did not cover the compensation (recorded on its ledger)`,
              ),
            );
          txLine(out, result);
        }
      }),
    );

  program
    .command("collect")
    .description(
      "lock more of the actor's bond behind a failure with a shortfall (after it topped up, or collateral came back)",
    )
    .argument("<failureId>")
    .addHelpText(
      "after",
      "\nExamples:\n  $ onus collect 3    # before `onus enforce 3`, once the node has bond again",
    )
    .action(
      run(async (context, out, _options, [text]) => {
        const client = await context.client();
        const result = await client.collectShortfall({ failureId: failureIdArg(text) });
        if (out.json) {
          out.data({
            failureId: result.failureId,
            actor: result.actor,
            collected: result.collected,
            remainingShortfall: result.remainingShortfall,
            transactionHash: result.transactionHash,
          });
        } else {
          out.line(
            `${out.colors.green("collected")} ${formatAmount(result.collected, context.collateral)} more of ${result.actor}'s bond for failure #${result.failureId}; shortfall left ${formatAmount(result.remainingShortfall, context.collateral)}`,
          );
          txLine(out, result);
        }
      }),
    );

  const closing = (
    name: string,
    description: string,
    call: (context: Context, failureId: bigint) => Promise<import("../../sdk/index.js").CloseResult>,
    example: string,
  ) =>
    program
      .command(name)
      .description(description)
      .argument("<failureId>")
      .addHelpText("after", `\nExamples:\n  $ ${example}`)
      .action(
        run(async (context, out, _options, [text]) => {
          const result = await call(context, failureIdArg(text));
          printClosing(out, context.collateral, result);
        }),
      );

  closing(
    "compensate",
    "as the accountable party, pay the beneficiary from your stake or bond",
    async (context, failureId) => (await context.client()).compensate({ failureId }),
    "onus compensate 3",
  );
  closing(
    "enforce",
    "after the resolution window passed with nothing done, pay the beneficiary (anyone)",
    async (context, failureId) => (await context.client()).enforce({ failureId }),
    "onus enforce 3",
  );
  closing(
    "expire",
    "after the arbitration timeout passed without a ruling, close the failure as drawn (anyone)",
    async (context, failureId) => (await context.client()).expireArbitration({ failureId }),
    "onus expire 3",
  );

  const remedy = program
    .command("remedy")
    .description("propose, accept, reject or finalize a remedy")
    .addHelpText(
      "after",
      `
Examples:
  $ onus remedy propose 3 --remedy "re-ran on a verified node, refunded fees"
  $ onus remedy accept 3
  $ onus remedy reject 3
  $ onus remedy finalize 3`,
    );
  remedy
    .command("propose")
    .description("as the accountable party, propose a remedy instead of paying")
    .argument("<failureId>")
    .requiredOption("--remedy <digest>", "what you will do: 0x-hex or text")
    .option("--uri <uri>", "pointer to the remedy", "")
    .addHelpText(
      "after",
      '\nExamples:\n  $ onus remedy propose 3 --remedy "re-ran on a verified node, refunded fees"',
    )
    .action(
      run(async (context, out, options, [text]) => {
        const client = await context.client();
        const result = await client.proposeRemedy({
          failureId: failureIdArg(text),
          remedyDigest: hexOrText("remedy", String(options.remedy)),
          remedyUri: String(options.uri ?? ""),
        });
        if (out.json)
          out.data({
            failureId: result.failureId,
            remedyDeadline: result.remedyDeadline,
            transactionHash: result.transactionHash,
          });
        else {
          out.line(
            `${out.colors.green("proposed")} a remedy for failure #${result.failureId}; the beneficiary has until ${formatTime(result.remedyDeadline)} to accept or reject`,
          );
          txLine(out, result);
        }
      }),
    );
  for (const [name, description, example] of [
    [
      "accept",
      "as the beneficiary, accept the remedy (collateral returns to the accountable party)",
      "onus remedy accept 3",
    ],
    [
      "finalize",
      "after the remedy window passed in silence, close the failure as remedied (anyone)",
      "onus remedy finalize 3",
    ],
  ] as const) {
    remedy
      .command(name)
      .description(description)
      .argument("<failureId>")
      .addHelpText("after", `\nExamples:\n  $ ${example}`)
      .action(
        run(async (context, out, _options, [text]) => {
          const client = await context.client();
          const failureId = failureIdArg(text);
          printClosing(
            out,
            context.collateral,
            name === "accept"
              ? await client.acceptRemedy({ failureId })
              : await client.finalizeRemedy({ failureId }),
          );
        }),
      );
  }
  remedy
    .command("reject")
    .description("as the beneficiary, reject the remedy; the arbiter decides")
    .argument("<failureId>")
    .addHelpText("after", "\nExamples:\n  $ onus remedy reject 3")
    .action(
      run(async (context, out, _options, [text]) => {
        const client = await context.client();
        const result = await client.rejectRemedy({ failureId: failureIdArg(text) });
        if (out.json)
          out.data({
            failureId: result.failureId,
            arbitrationDeadline: result.arbitrationDeadline,
            transactionHash: result.transactionHash,
          });
        else {
          out.line(
            `${out.colors.green("rejected")} the remedy for failure #${result.failureId}; the arbiter has until ${formatTime(result.arbitrationDeadline)}`,
          );
          txLine(out, result);
        }
      }),
    );

  program
    .command("rule")
    .description("as the failure's arbiter, rule on a contested failure")
    .argument("<failureId>")
    .addArgument(
      new Command()
        .createArgument("<ruling>", "valid | invalid | refused")
        .choices(["valid", "invalid", "refused"]),
    )
    .addHelpText("after", "\nExamples:\n  $ onus rule 3 invalid\n  $ onus rule 4 valid")
    .action(
      run(async (context, out, _options, [text, ruling]) => {
        const client = await context.client();
        const name = (ruling.charAt(0).toUpperCase() + ruling.slice(1)) as "Valid" | "Invalid" | "Refused";
        printClosing(
          out,
          context.collateral,
          await client.rule({ failureId: failureIdArg(text), ruling: name }),
        );
      }),
    );
}

function printClosing(
  out: Output,
  collateral: Collateral,
  result: import("../../sdk/index.js").CloseResult,
): void {
  if (out.json) {
    out.data({
      failureId: result.failureId,
      outcome: result.outcome,
      accountable: result.accountable,
      paidToBeneficiary: result.paidToBeneficiary,
      unbackedShortfall: result.unbackedShortfall,
      credits: result.credits,
      transactionHash: result.transactionHash,
    });
    return;
  }
  out.line(`${out.colors.green("closed")} failure #${result.failureId}: ${out.colors.bold(result.outcome)}`);
  for (const credit of result.credits) {
    out.line(`  credited ${formatAmount(credit.amount, collateral)} to ${credit.account} (${credit.reason})`);
  }
  if (result.unbackedShortfall > 0n) {
    out.line(
      out.colors.yellow(
        `  unbacked shortfall ${formatAmount(result.unbackedShortfall, collateral)} recorded against ${result.accountable}`,
      ),
    );
  }
  out.line(out.colors.dim("  credits are withdrawn with `onus withdraw`"));
  txLine(out, result);
}

// ── reads: failures, failure, ledger, params ──────────────────────────────────────────────────

function addReads(program: Command): void {
  program
    .command("failures")
    .description("list failures, filtered by actor, reporter, accountable party or state")
    .option("--actor <address>", "the step's actor (the accused)")
    .option("--reporter <address>")
    .option("--accountable <address>")
    .addOption(new Option("--state <state>", "a state, or 'open'").choices(["open", ...STATE_NAMES]))
    .addHelpText(
      "after",
      "\nExamples:\n  $ onus failures --state open\n  $ onus failures --actor 0xMyNode… --json",
    )
    .action(
      run(async (context, out, options) => {
        const failures = await context.reader.listFailures(
          {
            ...(options.actor === undefined ? {} : { actor: String(options.actor) }),
            ...(options.reporter === undefined ? {} : { reporter: String(options.reporter) }),
            ...(options.accountable === undefined ? {} : { accountable: String(options.accountable) }),
            ...(options.state === undefined ? {} : { state: options.state as FailureStateName | "open" }),
          },
          {
            onProgress: ({ scannedTo, toBlock }) => out.progress(`scanning blocks… ${scannedTo}/${toBlock}`),
          },
        );
        out.done();
        if (out.json) {
          out.data({ failures });
          return;
        }
        if (failures.length === 0) {
          out.line("no failures match");
          return;
        }
        const now = BigInt((await context.provider.getBlock("latest"))?.timestamp ?? 0);
        out.table(
          ["id", "state", "actor", "reporter", "accountable", "compensation", "deadline"],
          failures.map((failure) => [
            `#${failure.failureId}`,
            colourState(out, failure.state),
            short(failure.actor, 4),
            short(failure.reporter, 4),
            failure.accountable === ZeroAddress ? "-" : short(failure.accountable, 4),
            formatAmount(failure.compensation, context.collateral),
            failure.open ? relative(failure.deadline, now) : "-",
          ]),
        );
      }),
    );

  program
    .command("failure")
    .description("show a failure's state and history")
    .argument("<failureId>")
    .addHelpText("after", "\nExamples:\n  $ onus failure 3\n  $ onus failure 3 --json")
    .action(
      run(async (context, out, _options, [text]) => {
        const failure = await context.reader.getFailureWithHistory(failureIdArg(text));
        if (out.json) {
          out.data(failure);
          return;
        }
        const now = BigInt((await context.provider.getBlock("latest"))?.timestamp ?? 0);
        const c = context.collateral;
        out.line(`failure ${out.colors.bold(`#${failure.failureId}`)} — ${colourState(out, failure.state)}`);
        out.table(
          ["field", "value"],
          [
            ["trace", failure.traceId],
            ["step", failure.stepId],
            ["actor (accused)", failure.actor],
            ["reporter", failure.reporter],
            ["beneficiary", failure.beneficiary],
            ["accountable", failure.accountable === ZeroAddress ? "- (nobody yet)" : failure.accountable],
            ["compensation", formatAmount(failure.compensation, c)],
            [
              "collateral",
              `${formatAmount(failure.collateral, c)}${failure.collateralFromBond ? " (from the actor's bond)" : failure.collateral > 0n ? " (staked)" : ""}`,
            ],
            ["shortfall", formatAmount(failure.shortfall, c)],
            ["reporter bond", formatAmount(failure.reporterBond, c)],
            ["reported", formatTime(failure.reportedAt)],
            [
              "deadline",
              failure.open
                ? `${formatTime(failure.deadline)} (${relative(failure.deadline, now)})`
                : "- (closed)",
            ],
            ["parameters version", String(failure.parametersVersion)],
          ],
        );
        out.line("history:");
        for (const event of failure.history)
          out.line(`  block ${event.blockNumber}  ${describeEvent(event, c)}`);
        const next = nextSteps(failure, now);
        if (next) out.line(out.colors.dim(`next: ${next}`));
      }),
    );

  program
    .command("ledger")
    .description("an address's record: steps, failures, claims, remedies, payouts, slashing, credit and bond")
    .argument("<address>")
    .addHelpText("after", "\nExamples:\n  $ onus ledger 0xMyNode…\n  $ onus ledger 0xMyNode… --json")
    .action(
      run(async (context, out, _options, [text]) => {
        const ledger = await context.reader.getLedger(parseAddress("address", text), {
          onProgress: ({ scannedTo, toBlock }) =>
            out.progress(`counting steps… block ${scannedTo}/${toBlock}`),
        });
        out.done();
        if (out.json) {
          out.data(ledger);
          return;
        }
        const c = context.collateral;
        out.line(`ledger of ${out.colors.bold(ledger.account)}`);
        out.table(
          ["record", "value"],
          [
            ["steps logged", ledger.stepsLogged],
            ["failures attributed (against its steps)", ledger.failuresAttributed],
            ["failures reported", ledger.failuresReported],
            ["failures claimed", ledger.failuresClaimed],
            ["failures defaulted to it (fallback)", ledger.failuresDefaulted],
            ["failures contested", ledger.failuresContested],
            [
              "compensated / remedied / enforced",
              `${ledger.failuresCompensated} / ${ledger.failuresRemedied} / ${ledger.failuresEnforced}`,
            ],
            [
              "ruled valid / invalid / drawn",
              `${ledger.failuresRuledValid} / ${ledger.failuresRuledInvalid} / ${ledger.failuresDrawn}`,
            ],
            ["paid to beneficiaries", formatAmount(ledger.amountPaid, c)],
            ["  of which slashed from bond", formatAmount(ledger.amountSlashed, c)],
            ["received", formatAmount(ledger.amountReceived, c)],
            ["unbacked shortfall", formatAmount(ledger.unbackedShortfall, c)],
            ["reporter bonds forfeited", formatAmount(ledger.reporterBondsForfeited, c)],
            ["credit (withdrawable)", formatAmount(ledger.credit, c)],
            [
              "bond",
              `${formatAmount(ledger.bond.amount, c)}${ledger.bond.unbonding > 0n ? ` (${formatAmount(ledger.bond.unbonding, c)} unbonding)` : ""}`,
            ],
            ["open failures against its steps", ledger.bond.openFailures],
          ],
        );
      }),
    );

  program
    .command("params")
    .description("the registry's parameters and configuration")
    .addHelpText("after", "\nExamples:\n  $ onus params\n  $ onus params --json")
    .action(
      run(async (context, out) => {
        const config = await context.reader.getConfig();
        if (out.json) {
          out.data({ registry: context.registry, chainId: context.chainId, ...config });
          return;
        }
        const p = config.parameters;
        const c = context.collateral;
        out.line(`registry ${out.colors.bold(context.registry)} on chain ${context.chainId}`);
        out.table(
          ["parameter", "value"],
          [
            ["collateral", c.native ? "native currency (ETH)" : `${c.symbol} (${c.address})`],
            ["logging", config.gatedLogging ? "gated (pause and minimum bond checked)" : "open"],
            ["paused", config.paused ? "yes" : "no"],
            ["minimum operator bond", formatAmount(config.minimumOperatorBond, c)],
            ["reporter bond", formatAmount(p.reporterBond, c)],
            ["compensation cap", formatAmount(p.compensationCap, c)],
            ["report window", formatDuration(p.reportWindow)],
            ["claim window", formatDuration(p.claimWindow)],
            ["resolution window", formatDuration(p.resolutionWindow)],
            ["remedy window", formatDuration(p.remedyWindow)],
            ["arbitration timeout", formatDuration(p.arbitrationTimeout)],
            ["unbonding delay", formatDuration(p.unbondingDelay)],
            ["treasury share", `${Number(p.treasuryShareBps) / 100} %`],
            ["arbiter", p.arbiter],
            ["treasury", p.treasury],
            ["owner", config.owner],
            ["parameters version", String(config.parametersVersion)],
            ["max batch size", String(config.maxBatchSize)],
          ],
        );
      }),
    );
}

function colourState(out: Output, state: FailureStateName): string {
  if (OPEN_FAILURE_STATES.includes(state)) return out.colors.yellow(state);
  if (state === "RuledInvalid" || state === "Drawn" || state === "Remedied") return out.colors.cyan(state);
  return out.colors.green(state);
}

function relative(deadline: bigint, now: bigint): string {
  return deadline >= now
    ? `in ${formatDuration(deadline - now)}`
    : `passed ${formatDuration(now - deadline)} ago`;
}

function describeEvent(event: RegistryEvent, collateral: Collateral): string {
  const a = event.args;
  const money = (value: unknown) => formatAmount(value as bigint, collateral);
  switch (event.name) {
    case "FailureReported":
      return `reported by ${String(a.reporter)} for ${String(a.beneficiary)}, asking ${money(a.compensation)}`;
    case "ResponsibilityClaimed":
      return `claimed by ${String(a.claimant)}, staking ${money(a.stake)}`;
    case "FallbackAssigned":
      return `nobody claimed: assigned to ${String(a.actor)}, ${money(a.locked)} of its bond locked, shortfall ${money(a.shortfall)}`;
    case "FailureContested":
      return `contested by ${String(a.by)}`;
    case "RemedyProposed":
      return `remedy proposed by ${String(a.accountable)}`;
    case "RemedyAccepted":
      return "remedy accepted by the beneficiary";
    case "RemedyRejected":
      return "remedy rejected by the beneficiary: goes to the arbiter";
    case "ArbitrationRuled":
      return `arbiter ruled ${String(a.ruling)}`;
    case "FailureClosed":
      return `closed: ${String(a.outcome)}, ${money(a.paidToBeneficiary)} to the beneficiary`;
    case "Credited":
      return `credited ${money(a.amount)} to ${String(a.account)} (${String(a.reason)})`;
    case "ShortfallCollected":
      return `${money(a.amount)} more of ${String(a.actor)}'s bond locked, shortfall left ${money(a.remainingShortfall)}`;
    case "BondRestored":
      return `${money(a.amount)} returned to the bond of ${String(a.operator)}`;
    default:
      return event.name;
  }
}

function nextSteps(failure: FailureView, now: bigint): string | undefined {
  const id = failure.failureId;
  const open = now <= failure.deadline;
  switch (failure.state) {
    case "Reported":
      return open
        ? `anyone may \`onus claim ${id}\`; the actor may \`onus contest ${id}\``
        : `anyone may \`onus fallback ${id}\``;
    case "Claimed":
    case "Assigned":
      if (failure.shortfall > 0n && failure.collateralFromBond) {
        return `${open ? "the accountable party must cover the shortfall before it can compensate" : `the beneficiary may \`onus enforce ${id}\` (others only after the unbonding delay)`}; once the node has bond again, \`onus collect ${id}\` locks it for the shortfall`;
      }
      return open
        ? `the accountable party may \`onus compensate ${id}\`, \`onus remedy propose ${id}\` or \`onus contest ${id}\``
        : `anyone may \`onus enforce ${id}\``;
    case "RemedyProposed":
      return open
        ? `the beneficiary may \`onus remedy accept|reject ${id}\``
        : `anyone may \`onus remedy finalize ${id}\``;
    case "Contested":
      return open
        ? `the arbiter may \`onus rule ${id} valid|invalid|refused\``
        : `anyone may \`onus expire ${id}\``;
    default:
      return undefined;
  }
}

// ── watch ──────────────────────────────────────────────────────────────────────────────────────

function addWatch(program: Command): void {
  program
    .command("watch")
    .description(
      "stream new failures against given actors; with --auto-claim, claim them as an operator within a spending limit",
    )
    .option("--actor <address...>", "actors to watch (default: all)")
    .option(
      "--auto-claim",
      "claim each new failure (staking its compensation) while within --max-spend",
      false,
    )
    .option("--max-spend <amount>", "most collateral --auto-claim may stake in all")
    .option("--poll-ms <ms>", "polling interval over HTTP", "1000")
    .addHelpText(
      "after",
      `
Runs until interrupted (Ctrl-C). Over a ws:// RPC it subscribes instead of polling.

Examples:
  $ onus watch --actor 0xNodeA… 0xNodeB…
  $ onus watch --actor 0xMyNode… --auto-claim --max-spend 2eth --json`,
    )
    .action(
      run(async (context, out, options) => {
        const autoClaim = Boolean(options.autoClaim);
        if (autoClaim && options.maxSpend === undefined)
          throw new CliUsageError("--auto-claim needs --max-spend <amount>");
        let budget = autoClaim ? amount("max-spend", options.maxSpend, context.collateral) : 0n;
        const pollingIntervalMs = Number(options.pollMs);
        if (!Number.isInteger(pollingIntervalMs) || pollingIntervalMs < 50) {
          throw new InvalidInputError(
            "poll-ms",
            options.pollMs,
            "must be a whole number of milliseconds, 50 or more",
          );
        }
        const actors = (options.actor as string[] | undefined)?.map((actor, index) =>
          parseAddress(`actor[${index}]`, actor),
        );
        const client = autoClaim ? await context.client() : undefined;
        const c = context.collateral;
        let queue = Promise.resolve();
        // Under --json, one event per line (NDJSON), so a consumer can act on each as it arrives.
        const emit = (record: Record<string, unknown>, text: string) =>
          out.json ? out.record(record) : out.line(text);

        const stop = context.reader.watchFailures({
          ...(actors === undefined ? {} : { actors }),
          pollingIntervalMs,
          onError: (error) =>
            process.stderr.write(
              `${out.colors.yellow("warning:")} ${error instanceof Error ? error.message.split("\n")[0] : String(error)}\n`,
            ),
          onFailure: (event) => {
            const failureId = event.args.failureId as bigint;
            const compensation = event.args.compensation as bigint;
            emit(
              {
                event: "failure",
                failureId,
                actor: event.args.actor,
                compensation,
                claimDeadline: event.args.claimDeadline,
                block: event.blockNumber,
              },
              `${out.colors.yellow("failure")} #${failureId} against ${String(event.args.actor)}: ${formatAmount(compensation, c)} asked (block ${event.blockNumber})`,
            );
            if (client === undefined) return;
            queue = queue.then(async () => {
              if (compensation > budget) {
                emit(
                  { event: "skipped", failureId, reason: "over budget", budget },
                  `  skipped #${failureId}: ${formatAmount(compensation, c)} exceeds the remaining budget ${formatAmount(budget, c)}`,
                );
                return;
              }
              try {
                const result = await client.claimResponsibility({ failureId });
                budget -= result.stake;
                emit(
                  {
                    event: "claimed",
                    failureId,
                    stake: result.stake,
                    budget,
                    transactionHash: result.transactionHash,
                  },
                  `  ${out.colors.green("claimed")} #${failureId}, staking ${formatAmount(result.stake, c)}; ${formatAmount(budget, c)} left to spend`,
                );
              } catch (error) {
                const message =
                  error instanceof Error
                    ? ((error as { shortMessage?: string }).shortMessage ?? error.message)
                    : String(error);
                emit(
                  { event: "claimFailed", failureId, error: message },
                  `  ${out.colors.red("could not claim")} #${failureId}: ${message}`,
                );
              }
            });
          },
        });
        await stop.ready;
        if (!out.json) {
          out.line(
            `watching ${actors === undefined ? "all actors" : actors.join(", ")} on chain ${context.chainId}${autoClaim ? `, auto-claiming up to ${formatAmount(budget, c)}` : ""} (Ctrl-C to stop)`,
          );
        } else out.record({ event: "watching", actors: actors ?? "all", autoClaim, budget });
        await new Promise<void>((resolve) => {
          const finish = () => {
            stop();
            resolve();
          };
          process.once("SIGINT", finish);
          process.once("SIGTERM", finish);
        });
        await queue;
      }),
    );
}

// ── advance-time (local chains) ───────────────────────────────────────────────────────────────

/** Chain ids of local development chains (Hardhat, Anvil/Ganache). */
const LOCAL_CHAIN_IDS = new Set([31337, 1337]);

function addAdvanceTime(program: Command): void {
  program
    .command("advance-time")
    .description("local chains only: move the chain's clock forward and mine a block (to pass a window)")
    .argument("<duration>", "e.g. 90s, 45m, 2h, 1d")
    .addHelpText(
      "after",
      "\nExamples:\n  $ onus advance-time 1h     # past a 1-hour claim window on `npm run chain`",
    )
    .action(
      run(async (context, out, _options, [text]) => {
        const match = /^(\d+)\s*(s|m|h|d)$/.exec(text);
        if (match === null)
          throw new InvalidInputError("duration", text, "is not a duration like 90s, 45m, 2h or 1d");
        if (!LOCAL_CHAIN_IDS.has(context.chainId)) {
          throw new CliUsageError(
            `advance-time only works on a local chain (31337 or 1337), not chain ${context.chainId}`,
          );
        }
        const seconds =
          Number(match[1]) * { s: 1, m: 60, h: 3_600, d: 86_400 }[match[2] as "s" | "m" | "h" | "d"];
        const provider = context.provider as import("ethers").JsonRpcProvider;
        await provider.send("evm_increaseTime", [seconds]);
        await provider.send("evm_mine", []);
        const block = await provider.getBlock("latest");
        if (out.json)
          out.data({ advancedSeconds: seconds, blockNumber: block?.number, timestamp: block?.timestamp });
        else
          out.line(
            `advanced ${formatDuration(seconds)}: block ${block?.number} at ${formatTime(block?.timestamp ?? 0)}`,
          );
      }),
    );
}
