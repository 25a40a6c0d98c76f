/**
 * Runs `npm run demo` (`hardhat run scripts/demo.ts`, which needs the Hardhat runtime) as a
 * child process and checks that its output tells the whole story: every trace verified, the
 * four outcomes with their paths, and who carried the cost of each failure.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../scripts/lib/hardhat-node.js";
import { describeRun, type CliResult } from "../helpers/cli.js";

const HARDHAT_BIN = fileURLToPath(new URL("../../node_modules/.bin/hardhat", import.meta.url));
/** The demo runs in seconds once compiled; a first run also compiles the contracts. */
const DEMO_TIMEOUT_MS = 600_000;

/** Runs the demo exactly as `npm run demo` does. */
function runDemo(): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.FORCE_COLOR;
  const child = spawn(HARDHAT_BIN, ["run", "scripts/demo.ts"], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the demo did not finish in ${DEMO_TIMEOUT_MS} ms\n${stdout}\n${stderr}`));
    }, DEMO_TIMEOUT_MS);
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

/** The demo's sections by number: the lines under each `━━ N. Title ━━` heading. */
function sections(stdout: string): Map<number, { title: string; lines: string[] }> {
  const result = new Map<number, { title: string; lines: string[] }>();
  let current: { title: string; lines: string[] } | undefined;
  for (const line of stdout.split("\n")) {
    const heading = /^━━ (\d+)\. (.+) ━━$/.exec(line);
    if (heading !== null) {
      current = { title: heading[2], lines: [] };
      result.set(Number(heading[1]), current);
    } else if (current !== undefined && line.trim() !== "") {
      current.lines.push(line);
    }
  }
  return result;
}

/** Each failure's path (section 7), by the outcome it ends in. */
const PATHS = {
  Compensated: "FailureReported → ResponsibilityClaimed → Compensated",
  Enforced: "FailureReported → FallbackAssigned → Enforced",
  Remedied: "FailureReported → ResponsibilityClaimed → RemedyProposed → RemedyAccepted → Remedied",
  RuledInvalid: "FailureReported → FailureContested → ArbitrationRuled → RuledInvalid",
} as const;

/** What section 9 says about who carried the cost, by outcome. */
const COSTS: Record<keyof typeof PATHS, RegExp> = {
  Compensated: /Carried by the operator: it stepped forward, staked [\d.]+ ETH and paid alice/,
  Enforced:
    /Carried by the compute node, the node that logged the failing step: .* [\d.]+ ETH of its bond paid bob/,
  Remedied:
    /Carried by the compute node: it took responsibility and made it right with a remedy carol \(user\) accepted/,
  RuledInvalid:
    /Carried by the reporter: the report was false, so it lost its [\d.]+ ETH bond — [\d.]+ ETH to the verifier/,
};

describe("npm run demo (hardhat run scripts/demo.ts)", function () {
  this.timeout(DEMO_TIMEOUT_MS + 30_000);
  let run: CliResult;
  let parts: Map<number, { title: string; lines: string[] }>;

  before(async function () {
    run = await runDemo();
    parts = sections(run.stdout);
  });

  it("exits with code 0", function () {
    expect(run.code, describeRun(run)).to.equal(0);
  });

  it("verifies every trace it prints (✓ verified, none ✗ NOT verified)", function () {
    const traces = parts.get(4)?.lines.filter((line) => line.startsWith("inference ")) ?? [];
    expect(traces, describeRun(run)).to.have.length(4);
    for (const line of traces) expect(line).to.match(/ {2}✓ verified$/);
    expect(run.stdout).not.to.include("NOT verified");
  });

  it("shows the four outcomes, each failure's path ending in Compensated, Enforced, Remedied and RuledInvalid", function () {
    expect(parts.get(6)?.title).to.equal("Four outcomes, side by side");
    expect(parts.get(7)?.title).to.equal("Each failure's path");
    const paths = (parts.get(7)?.lines ?? []).map((line) => /^#(\d+) {2}(.+)$/.exec(line)?.slice(1));
    expect(paths.map((path) => path?.[1]).sort(), describeRun(run)).to.deep.equal(
      Object.values(PATHS).sort(),
    );
  });

  it("says who carried the cost of each failure, matching its outcome", function () {
    expect(parts.get(9)?.title).to.equal("Who carried the cost");
    const pathById = new Map(
      (parts.get(7)?.lines ?? []).map((line) => {
        const [, failureId, path] = /^#(\d+) {2}(.+)$/.exec(line) ?? [];
        return [failureId, path];
      }),
    );
    const costs = (parts.get(9)?.lines ?? []).filter((line) => line.startsWith("#"));
    expect(costs, describeRun(run)).to.have.length(4);
    for (const line of costs) {
      const [, failureId, text] = /^#(\d+) {2}(.+)$/.exec(line) ?? [];
      const outcome = (Object.keys(PATHS) as (keyof typeof PATHS)[]).find(
        (name) => PATHS[name] === pathById.get(failureId),
      );
      expect(outcome, `no path for #${failureId}`).not.to.equal(undefined);
      expect(text).to.match(COSTS[outcome as keyof typeof PATHS]);
    }
  });
});
