/**
 * Shared setup of the CLI end-to-end tests: a real `hardhat node`, one registry deployed on it,
 * the `onus` CLI run as a child process with a role's key in its environment, SDK clients to
 * arrange state quickly, and assertions for the CLI's one-line errors.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { id, JsonRpcProvider, ZeroAddress, type HDNodeWallet } from "ethers";
import {
  createOnusClient,
  createOnusReader,
  defaultParameters,
  ResponsibilityRegistry__factory,
  type Hex,
  type OnusClient,
  type OnusReader,
  type RegistryParameters,
} from "../../sdk/index.js";
import { PROJECT_ROOT } from "../../scripts/lib/hardhat-node.js";
import { startHardhatNode, testWallets, type HardhatNode } from "./node.js";

/** The CLI's entry point, relative to the repository root. */
export const CLI_ENTRY = "scripts/cli/onus.ts";
/** The second stderr line the CLI adds under errors that have a cause worth `--verbose`. */
export const VERBOSE_HINT = "(run with --verbose for the cause)";
/** A hardhat node's chain id. */
export const LOCAL_CHAIN_ID = 31_337;

/** How a CLI run ended and what it printed. */
export interface CliResult {
  /** Exit code (null if a signal ended it). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** How to run the CLI for one role. */
export interface CliRunOptions {
  /** The signer's private key, put in ONUS_PRIVATE_KEY (never on the command line). */
  key?: string;
  /** Environment overrides; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Kill the run after this long (default 60 s). */
  timeoutMs?: number;
}

/** A value as the CLI's `--json` prints it: bigints become decimal strings. */
export type Json<T> = T extends bigint
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

/** One line of `--json` stream output (`watch --json`). */
export type JsonRecord = Record<string, unknown>;

/** A CLI process left running in the background (`onus watch`). */
export interface BackgroundCli {
  /** Every JSON line printed so far. */
  readonly records: readonly JsonRecord[];
  /** Resolves with the first JSON line (already printed or still to come) that matches. */
  waitForRecord(match: (record: JsonRecord) => boolean, timeoutMs?: number): Promise<JsonRecord>;
  /** Sends SIGINT (Ctrl-C) and resolves when the process has exited. */
  interrupt(timeoutMs?: number): Promise<CliResult>;
}

/** The node's funded accounts by role; `fresh()` hands out accounts no other test has used. */
export interface Roles {
  /** Deployer and owner of the shared registry. */
  admin: HDNodeWallet;
  arbiter: HDNodeWallet;
  treasury: HDNodeWallet;
  /** A bonded node that logs steps (bonded with {@link NODE_BOND} at setup). */
  node: HDNodeWallet;
  reporter: HDNodeWallet;
  beneficiary: HDNodeWallet;
  operator: HDNodeWallet;
  /** An account not handed out before (for tests that assert exact ledger numbers or balances). */
  fresh(): HDNodeWallet;
}

/** The bond the shared node posts at setup. */
export const NODE_BOND = 5n * 10n ** 18n;

/** A running node, the shared registry, and ways to run the CLI against them. */
export interface CliHarness {
  node: HardhatNode;
  provider: JsonRpcProvider;
  /** The shared registry (deployed by `admin` with default parameters). */
  registry: string;
  parameters: RegistryParameters;
  roles: Roles;
  reader: OnusReader;
  /** A scratch directory, removed on close. */
  tempDir: string;
  /** Runs `onus <args>` to completion. */
  run(args: readonly string[], options?: CliRunOptions): Promise<CliResult>;
  /** Starts `onus <args>` and leaves it running. */
  start(args: readonly string[], options?: CliRunOptions): BackgroundCli;
  /** An SDK client signing as `wallet`, to arrange state without spawning the CLI. */
  client(wallet: HDNodeWallet): OnusClient;
  /** Writes a file in the scratch directory and returns its path. */
  writeFile(name: string, content: string): string;
  /** Kills CLI processes still running, stops the node and removes the scratch directory. */
  close(): Promise<void>;
}

/**
 * Starts a `hardhat node`, deploys a registry with native collateral on it, and bonds the
 * shared node. If anything fails after the node started, the node is stopped again.
 *
 * @example
 * before(async function () { this.timeout(180_000); cli = await startCliHarness(); });
 * after(async function () { await cli?.close(); });
 */
export async function startCliHarness(): Promise<CliHarness> {
  const node = await startHardhatNode();
  const tempDir = mkdtempSync(join(tmpdir(), "onus-cli-e2e-"));
  const provider = new JsonRpcProvider(node.url);
  const running = new Set<ChildProcess>();
  const close = async () => {
    for (const child of running) child.kill("SIGKILL");
    provider.destroy();
    rmSync(tempDir, { recursive: true, force: true });
    await node.stop();
  };
  try {
    const wallets = testWallets(20, provider);
    const [admin, arbiter, treasury, nodeWallet, reporter, beneficiary, operator] = wallets;
    let nextFresh = 7;
    const roles: Roles = {
      admin,
      arbiter,
      treasury,
      node: nodeWallet,
      reporter,
      beneficiary,
      operator,
      fresh() {
        if (nextFresh >= wallets.length) throw new Error("no fresh funded accounts left");
        return wallets[nextFresh++];
      },
    };
    const parameters = defaultParameters({ arbiter: arbiter.address, treasury: treasury.address });
    const deployed = await new ResponsibilityRegistry__factory(admin).deploy(
      ZeroAddress,
      parameters,
      false,
      0n,
      admin.address,
    );
    await deployed.waitForDeployment();
    const registry = await deployed.getAddress();
    const client = (wallet: HDNodeWallet) => createOnusClient({ address: registry, runner: wallet });
    await client(nodeWallet).bond({ amount: NODE_BOND });

    // An empty config file: the CLI never reads a developer's ./onus.config.json.
    const configPath = join(tempDir, "onus.config.json");
    writeFileSync(configPath, "{}\n");
    const environment = (options: CliRunOptions): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = {};
      for (const [name, value] of Object.entries(process.env)) {
        if (!name.startsWith("ONUS_") && name !== "FORCE_COLOR") env[name] = value;
      }
      Object.assign(env, {
        NO_COLOR: "1",
        ONUS_CONFIG: configPath,
        ONUS_RPC_URL: node.url,
        ONUS_REGISTRY: registry,
      });
      if (options.key !== undefined) env.ONUS_PRIVATE_KEY = options.key;
      for (const [name, value] of Object.entries(options.env ?? {})) {
        if (value === undefined) delete env[name];
        else env[name] = value;
      }
      return env;
    };
    const spawnCli = (args: readonly string[], options: CliRunOptions) => {
      const child = spawn(process.execPath, ["--import", "tsx", CLI_ENTRY, ...args], {
        cwd: PROJECT_ROOT,
        env: environment(options),
        stdio: ["ignore", "pipe", "pipe"],
      });
      running.add(child);
      child.once("exit", () => running.delete(child));
      return child;
    };

    return {
      node,
      provider,
      registry,
      parameters,
      roles,
      reader: createOnusReader({ address: registry, runner: provider }),
      tempDir,
      run(args, options = {}) {
        const child = spawnCli(args, options);
        return collect(child, `onus ${args.join(" ")}`, options.timeoutMs ?? 60_000);
      },
      start(args, options = {}) {
        return background(spawnCli(args, options), `onus ${args.join(" ")}`);
      },
      client,
      writeFile(name, content) {
        const path = join(tempDir, name);
        writeFileSync(path, content);
        return path;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits for a child to exit and gathers its output; kills it after `timeoutMs`. */
function collect(child: ChildProcess, label: string, timeoutMs: number): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${label} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function background(child: ChildProcess, label: string): BackgroundCli {
  const records: JsonRecord[] = [];
  const waiters: { match: (record: JsonRecord) => boolean; resolve: (record: JsonRecord) => void }[] = [];
  let pending = "";
  const finished = collect(child, label, 10 * 60_000);
  child.stdout?.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      let record: JsonRecord;
      try {
        record = JSON.parse(line) as JsonRecord;
      } catch {
        record = { unparsed: line };
      }
      records.push(record);
      for (const waiter of [...waiters]) {
        if (waiter.match(record)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(record);
        }
      }
    }
  });
  return {
    records,
    waitForRecord(match, timeoutMs = 30_000) {
      const seen = records.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`${label}: no matching line in ${timeoutMs} ms; got ${JSON.stringify(records)}`),
            ),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (record) => {
            clearTimeout(timer);
            resolve(record);
          },
        });
        void finished.then((result) => {
          clearTimeout(timer);
          reject(new Error(`${label} exited (${result.code}) before a matching line:\n${result.stderr}`));
        });
      });
    },
    async interrupt(timeoutMs = 30_000) {
      child.kill("SIGINT");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`${label} did not exit within ${timeoutMs} ms of SIGINT`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([finished, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The run's output, for assertion messages. */
export function describeRun(result: CliResult): string {
  return `exit ${result.code}${result.signal ? ` (${result.signal})` : ""}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

/**
 * Asserts a run succeeded (exit 0, nothing on stderr) and parses its `--json` output.
 *
 * @example
 * const { registry } = parseJson<{ registry: string }>(await cli.run(["deploy", "--json"], { key }));
 */
export function parseJson<T>(result: CliResult): T {
  expectSuccess(result);
  return JSON.parse(result.stdout) as T;
}

/** Asserts a run succeeded: exit code 0 and nothing on stderr. */
export function expectSuccess(result: CliResult): void {
  expect(result.code, describeRun(result)).to.equal(0);
  expect(result.stderr, describeRun(result)).to.equal("");
}

/**
 * Asserts the CLI refused with one line on stderr (`error: <message>`, plus at most the
 * `--verbose` hint), no stack trace, nothing on stdout, and the exit code.
 *
 * @example
 * expectCliError(result, { code: 2, message: "address: 0x1234 is not an address" });
 */
export function expectCliError(
  result: CliResult,
  expected: { code: number; message: string | RegExp },
): void {
  const context = describeRun(result);
  expect(result.code, context).to.equal(expected.code);
  expect(result.stdout, context).to.equal("");
  const lines = result.stderr.split("\n").filter((line) => line !== "");
  expect(lines.length, context).to.be.within(1, 2);
  const [first, second] = lines;
  expect(first, context).to.match(/^error: /);
  const message = first.slice("error: ".length);
  if (typeof expected.message === "string") expect(message, context).to.include(expected.message);
  else expect(message, context).to.match(expected.message);
  if (second !== undefined) expect(second, context).to.equal(VERBOSE_HINT);
  expect(result.stderr, context).not.to.match(/^\s+at /m);
}

let labels = 0;
/** A text id no other test uses (trace ids and digests are hashed from text). */
export function uniqueText(prefix: string): string {
  labels += 1;
  return `${prefix}-${labels}-${Date.now()}`;
}

/** The keccak256 hash the CLI turns a text id into. */
export function textId(text: string): Hex {
  return id(text) as Hex;
}

/** A reported failure arranged through the SDK. */
export interface ArrangedFailure {
  failureId: bigint;
  traceId: Hex;
  stepId: Hex;
  compensation: bigint;
}

/**
 * Arranges a failure through the SDK: `actor` logs a Compute step to a new trace and `reporter`
 * reports it for `beneficiary`.
 *
 * @example
 * const failure = await reportFailure(cli, { compensation: parseEther("0.5") });
 */
export async function reportFailure(
  cli: CliHarness,
  options: {
    compensation: bigint;
    actor?: HDNodeWallet;
    reporter?: HDNodeWallet;
    beneficiary?: HDNodeWallet;
  },
): Promise<ArrangedFailure> {
  const actor = options.actor ?? cli.roles.node;
  const traceId = textId(uniqueText("arranged-trace"));
  const logged = await cli.client(actor).logStep({
    traceId,
    kind: "Compute",
    inputDigest: textId("the prompt"),
    outputDigest: textId("a wrong answer"),
  });
  const report = await cli.client(options.reporter ?? cli.roles.reporter).reportFailure({
    traceId,
    stepIndex: 0,
    beneficiary: (options.beneficiary ?? cli.roles.beneficiary).address,
    compensation: options.compensation,
    evidenceDigest: textId("the evidence"),
  });
  return { failureId: report.failureId, traceId, stepId: logged.stepId, compensation: options.compensation };
}

/** Moves the node's clock forward by `seconds` and mines a block. */
export async function increaseTime(cli: CliHarness, seconds: bigint): Promise<void> {
  await cli.provider.send("evm_increaseTime", [Number(seconds)]);
  await cli.provider.send("evm_mine", []);
}
