/**
 * End-to-end tests of the `onus` CLI: a real `hardhat node` started for the suite, one shared
 * registry on it, and every command run as a child process (`node --import tsx
 * scripts/cli/onus.ts …`) with the role's key in ONUS_PRIVATE_KEY. State a command needs is
 * arranged through the SDK in-process (fast); what a command does is read back from the chain.
 */
import { expect } from "chai";
import type { Command } from "commander";
import { parseEther, ZeroAddress } from "ethers";
import { buildProgram } from "../../scripts/cli/program.js";
import { short } from "../../scripts/cli/output.js";
import {
  createOnusReader,
  defaultParameters,
  ResponsibilityRegistry__factory,
  type CloseResult,
  type FailureView,
  type FailureWithHistory,
  type LedgerView,
  type RegistryConfig,
  type Trace,
  type TraceVerification,
} from "../../sdk/index.js";
import {
  describeRun,
  expectCliError,
  expectSuccess,
  increaseTime,
  LOCAL_CHAIN_ID,
  parseJson,
  reportFailure,
  startCliHarness,
  textId,
  uniqueText,
  type CliHarness,
  type Json,
} from "../helpers/cli.js";
import { freePort } from "../helpers/node.js";

/** What `onus deploy --json` prints. */
interface DeployJson {
  registry: string;
  chainId: number;
  rpcUrl: string;
  deploymentBlock: number;
  collateral: string;
  gatedLogging: boolean;
  owner: string;
  transactionHash: string;
}
/** What `onus log --json` prints for one step. */
interface LoggedJson {
  stepId: string;
  traceId: string;
  actor: string;
  kind: string;
  loggedAt: string;
  transactionHash: string;
}
/** What `onus log --file … --json` prints. */
interface LoggedFileJson {
  steps: { stepId: string; traceId: string; kind: string; actor: string; transactionHash: string }[];
}
/** What a command that closes a failure prints under --json. */
type CloseJson = Json<
  Pick<
    CloseResult,
    "failureId" | "outcome" | "accountable" | "paidToBeneficiary" | "unbackedShortfall" | "credits"
  >
> & { transactionHash: string };

const ETH = 10n ** 18n;

describe("onus CLI end to end (child processes against a real hardhat node)", function () {
  this.timeout(120_000);
  let cli: CliHarness;

  before(async function () {
    this.timeout(240_000);
    cli = await startCliHarness();
  });

  after(async function () {
    this.timeout(60_000);
    await cli?.close();
  });

  describe("help", function () {
    it("onus --help lists the commands and shows examples", async function () {
      const result = await cli.run(["--help"]);
      expectSuccess(result);
      for (const text of ["Usage: onus", "Commands:", "deploy", "watch", "ONUS_PRIVATE_KEY", "Examples:"]) {
        expect(result.stdout).to.include(text);
      }
    });

    it("a subcommand's --help shows its options and examples", async function () {
      const result = await cli.run(["report", "--help"]);
      expectSuccess(result);
      expect(result.stdout).to.include("Usage: onus report [options]");
      expect(result.stdout).to.include("--compensation <amount>");
      expect(result.stdout).to.include("Examples:");
      expect(result.stdout).to.include("$ onus report --trace inference-42 --index 1");
    });

    it("every command and subcommand's help has an Examples section", function () {
      const missing: string[] = [];
      const visit = (command: Command, path: string) => {
        let text = "";
        command.configureOutput({
          writeOut: (chunk) => (text += chunk),
          writeErr: (chunk) => (text += chunk),
        });
        command.outputHelp();
        if (!text.includes("Examples:")) missing.push(path);
        for (const sub of command.commands) visit(sub, `${path} ${sub.name()}`);
      };
      visit(buildProgram(), "onus");
      expect(missing).to.deep.equal([]);
    });
  });

  describe("deploy", function () {
    it("deploy --json deploys a registry owned by the signer and prints its address", async function () {
      const { admin, arbiter } = cli.roles;
      const deployment = parseJson<DeployJson>(
        await cli.run(["deploy", "--arbiter", arbiter.address, "--json"], { key: admin.privateKey }),
      );
      expect(deployment.registry).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(deployment.chainId).to.equal(LOCAL_CHAIN_ID);
      expect(deployment.rpcUrl).to.equal(cli.node.url);
      expect(deployment.owner).to.equal(admin.address);
      expect(deployment.collateral).to.equal(ZeroAddress);
      expect(deployment.gatedLogging).to.equal(false);
      expect(await cli.provider.getCode(deployment.registry)).not.to.equal("0x");
      const receipt = await cli.provider.getTransactionReceipt(deployment.transactionHash);
      expect(receipt?.contractAddress).to.equal(deployment.registry);
      expect(receipt?.blockNumber).to.equal(deployment.deploymentBlock);

      const config = await createOnusReader({
        address: deployment.registry,
        runner: cli.provider,
      }).getConfig();
      expect(config.owner).to.equal(admin.address);
      expect(config.parameters.arbiter).to.equal(arbiter.address);
      expect(config.parameters.treasury).to.equal(admin.address);
    });
  });

  describe("params and configuration", function () {
    it("params --json prints the registry's parameters, chain id and owner", async function () {
      const params = parseJson<Json<RegistryConfig> & { registry: string; chainId: number }>(
        await cli.run(["params", "--json"]),
      );
      expect(params.registry).to.equal(cli.registry);
      expect(params.chainId).to.equal(LOCAL_CHAIN_ID);
      expect(params.owner).to.equal(cli.roles.admin.address);
      expect(params.collateralToken).to.equal(ZeroAddress);
      expect(params.parameters.reporterBond).to.equal(cli.parameters.reporterBond.toString());
      expect(params.parameters.claimWindow).to.equal(cli.parameters.claimWindow.toString());
      expect(params.parameters.arbiter).to.equal(cli.roles.arbiter.address);
      expect(params.parameters.treasury).to.equal(cli.roles.treasury.address);
      expect(params.maxBatchSize).to.equal(256);
    });

    it("takes the RPC URL and registry from --config, loses to ONUS_REGISTRY, which loses to --registry", async function () {
      const { admin } = cli.roles;
      const other = await new ResponsibilityRegistry__factory(admin).deploy(
        ZeroAddress,
        defaultParameters({ arbiter: admin.address, treasury: admin.address }),
        false,
        0n,
        admin.address,
      );
      await other.waitForDeployment();
      const otherAddress = await other.getAddress();
      const config = cli.writeFile(
        "precedence.json",
        JSON.stringify({ rpcUrl: cli.node.url, registry: otherAddress, chainId: LOCAL_CHAIN_ID }),
      );
      const unset = { ONUS_RPC_URL: undefined, ONUS_REGISTRY: undefined };
      const [fromFile, fromEnv, fromFlag] = await Promise.all([
        cli.run(["--config", config, "params", "--json"], { env: unset }),
        cli.run(["--config", config, "params", "--json"], {
          env: { ...unset, ONUS_REGISTRY: cli.registry },
        }),
        cli.run(["--config", config, "--registry", otherAddress, "params", "--json"], {
          env: { ...unset, ONUS_REGISTRY: cli.registry },
        }),
      ]);
      expect(parseJson<{ registry: string }>(fromFile).registry).to.equal(otherAddress);
      expect(parseJson<{ registry: string }>(fromEnv).registry).to.equal(cli.registry);
      expect(parseJson<{ registry: string }>(fromFlag).registry).to.equal(otherAddress);
    });
  });

  describe("log", function () {
    it("log --trace/--kind/--input/--output --json logs one step signed by ONUS_PRIVATE_KEY", async function () {
      const { node } = cli.roles;
      const trace = uniqueText("log-one");
      const logged = parseJson<LoggedJson>(
        await cli.run(
          [
            "log",
            "--trace",
            trace,
            "--kind",
            "Model",
            "--input",
            "llama-3-8b weights",
            "--output",
            "q4 config",
            "--uri",
            "ipfs://model-card",
            "--json",
          ],
          { key: node.privateKey },
        ),
      );
      expect(logged.traceId).to.equal(textId(trace));
      expect(logged.actor).to.equal(node.address);
      expect(logged.kind).to.equal("Model");

      const onChain = await cli.reader.getTrace(textId(trace));
      expect(onChain.steps).to.have.length(1);
      expect(onChain.steps[0]).to.include({
        stepId: logged.stepId,
        actor: node.address,
        kind: "Model",
        inputDigest: textId("llama-3-8b weights"),
        outputDigest: textId("q4 config"),
        uri: "ipfs://model-card",
        transactionHash: logged.transactionHash,
      });
    });

    it("log --file logs a JSON array of steps (text and 0x ids) in one transaction", async function () {
      const { node } = cli.roles;
      const traceA = uniqueText("array-a");
      const traceB = textId(uniqueText("array-b"));
      const file = cli.writeFile(
        "steps.json",
        JSON.stringify(
          [
            {
              traceId: traceA,
              kind: "Model",
              inputDigest: "weights",
              outputDigest: "config",
              uri: "ipfs://m",
            },
            { traceId: traceA, kind: "Compute", inputDigest: "prompt", outputDigest: "answer" },
            { traceId: traceB, kind: "Verification", inputDigest: textId("answer"), outputDigest: "pass" },
          ],
          null,
          2,
        ),
      );
      const { steps } = parseJson<LoggedFileJson>(
        await cli.run(["log", "--file", file, "--json"], { key: node.privateKey }),
      );
      expect(steps.map((step) => [step.traceId, step.kind])).to.deep.equal([
        [textId(traceA), "Model"],
        [textId(traceA), "Compute"],
        [traceB, "Verification"],
      ]);
      expect(new Set(steps.map((step) => step.transactionHash)).size).to.equal(1);

      const verification = await cli.reader.verifyTrace(textId(traceA));
      expect(verification).to.include({ valid: true, stepCount: 2 });
      const other = await cli.reader.getTrace(traceB);
      expect(other.steps.map((step) => step.inputDigest)).to.deep.equal([textId("answer")]);
    });

    it("log --file logs an NDJSON file in --batch-size transactions and prints a table", async function () {
      const { node } = cli.roles;
      const trace = uniqueText("ndjson");
      const file = cli.writeFile(
        "steps.ndjson",
        [
          JSON.stringify({ traceId: trace, kind: "Model", inputDigest: "w", outputDigest: "c" }),
          "",
          JSON.stringify({ traceId: trace, kind: "Compute", inputDigest: "q", outputDigest: "a" }),
          JSON.stringify({ traceId: trace, kind: "Verification", inputDigest: "a", outputDigest: "ok" }),
          "",
        ].join("\n"),
      );
      const result = await cli.run(["log", "--file", file, "--batch-size", "2"], { key: node.privateKey });
      expectSuccess(result);
      expect(result.stdout).to.include("logged 3 steps in 2 transaction(s)");

      const onChain = await cli.reader.getTrace(textId(trace));
      expect(onChain.steps.map((step) => step.kind)).to.deep.equal(["Model", "Compute", "Verification"]);
      expect(new Set(onChain.steps.map((step) => step.transactionHash)).size).to.equal(2);
    });
  });

  describe("trace", function () {
    let trace: string;
    let stepIds: string[];

    before(async function () {
      trace = uniqueText("trace");
      const traceId = textId(trace);
      const { node, operator } = cli.roles;
      const logged = await cli.client(node).logSteps({
        steps: [
          { traceId, kind: "Model", inputDigest: textId("weights"), outputDigest: textId("config") },
          { traceId, kind: "Compute", inputDigest: textId("2+2?"), outputDigest: textId("5") },
        ],
      });
      const verified = await cli.client(operator).logStep({
        traceId,
        kind: "Verification",
        inputDigest: textId("5"),
        outputDigest: textId("verdict: pass"),
        uri: "ipfs://verdict",
      });
      stepIds = [...logged.steps.map((step) => step.stepId), verified.stepId];
    });

    it("prints the steps as a timeline and the verification line", async function () {
      const result = await cli.run(["trace", trace]);
      expectSuccess(result);
      expect(result.stdout).to.include(`trace ${textId(trace)} — 3 step(s)`);
      for (const text of ["Model", "Compute", "Verification", "ipfs://verdict", short(stepIds[0])]) {
        expect(result.stdout).to.include(text);
      }
      expect(result.stdout).to.include(`✓ verified: the steps fold to the stored head ${short(stepIds[2])}`);
    });

    it("trace --json gives the steps in order and verification.valid", async function () {
      const { node, operator } = cli.roles;
      const output = parseJson<Json<Trace> & { verification: Json<TraceVerification> }>(
        await cli.run(["trace", textId(trace), "--json"]),
      );
      expect(output.traceId).to.equal(textId(trace));
      expect(output.steps.map((step) => [step.index, step.stepId, step.kind, step.actor])).to.deep.equal([
        [0, stepIds[0], "Model", node.address],
        [1, stepIds[1], "Compute", node.address],
        [2, stepIds[2], "Verification", operator.address],
      ]);
      expect(output.verification.valid).to.equal(true);
      expect(output.verification.stepCount).to.equal(3);
      expect(output.verification.storedHead).to.equal(stepIds[2]);
      expect(output.verification.computedHead).to.equal(stepIds[2]);
    });
  });

  describe("keystore signing", function () {
    it("signs with an encrypted keystore and ONUS_KEYSTORE_PASSWORD; a wrong password is one line, exit 2", async function () {
      const signer = cli.roles.fresh();
      const keystore = cli.writeFile("keystore.json", await signer.encrypt("correct horse battery"));
      const bonded = await cli.run(["bond", "0.1eth", "--json"], {
        env: { ONUS_KEYSTORE: keystore, ONUS_KEYSTORE_PASSWORD: "correct horse battery" },
      });
      expect(parseJson<{ newBond: string }>(bonded).newBond).to.equal(parseEther("0.1").toString());
      expect((await cli.reader.getBond(signer.address)).amount).to.equal(parseEther("0.1"));

      const wrong = await cli.run(["--keystore", keystore, "bond", "0.1eth"], {
        env: { ONUS_KEYSTORE_PASSWORD: "not it" },
      });
      expectCliError(wrong, { code: 2, message: "cannot decrypt keystore" });
      expect(wrong.stderr).not.to.include("not it");
      const noPassword = await cli.run(["--keystore", keystore, "bond", "0.1eth"]);
      expectCliError(noPassword, { code: 2, message: "needs a password" });
      expect((await cli.reader.getBond(signer.address)).amount).to.equal(parseEther("0.1"));
    });
  });

  describe("bond", function () {
    it("bond takes amounts with units (1.5eth, 250000gwei) and shows the new bond", async function () {
      const operator = cli.roles.fresh();
      const first = parseJson<{ amount: string; newBond: string }>(
        await cli.run(["bond", "1.5eth", "--json"], { key: operator.privateKey }),
      );
      expect(first).to.include({
        amount: parseEther("1.5").toString(),
        newBond: parseEther("1.5").toString(),
      });

      const second = await cli.run(["bond", "250000gwei"], { key: operator.privateKey });
      expectSuccess(second);
      expect(second.stdout).to.include("bonded 0.00025 ETH; your bond is now 1.50025 ETH");
      expect((await cli.reader.getBond(operator.address)).amount).to.equal(parseEther("1.50025"));
    });
  });

  describe("report, claim, compensate", function () {
    it("report --json posts the reporter bond and prints the new failure", async function () {
      const { node, reporter, beneficiary } = cli.roles;
      const trace = uniqueText("report");
      const logged = await cli.client(node).logSteps({
        steps: [
          { traceId: textId(trace), kind: "Model", inputDigest: textId("w"), outputDigest: textId("c") },
          { traceId: textId(trace), kind: "Compute", inputDigest: textId("2+2?"), outputDigest: textId("5") },
        ],
      });
      const report = parseJson<{
        failureId: string;
        stepId: string;
        actor: string;
        reporterBond: string;
        claimDeadline: string;
      }>(
        await cli.run(
          [
            "report",
            "--trace",
            trace,
            "--index",
            "1",
            "--beneficiary",
            beneficiary.address,
            "--compensation",
            "0.5eth",
            "--evidence",
            "expected 4, got 5",
            "--json",
          ],
          { key: reporter.privateKey },
        ),
      );
      expect(report.stepId).to.equal(logged.steps[1].stepId);
      expect(report.actor).to.equal(node.address);
      expect(report.reporterBond).to.equal(cli.parameters.reporterBond.toString());

      const failure = await cli.reader.getFailure(BigInt(report.failureId));
      expect(failure).to.include({
        state: "Reported",
        reporter: reporter.address,
        beneficiary: beneficiary.address,
        compensation: parseEther("0.5"),
        stepId: logged.steps[1].stepId,
      });
      expect(failure.deadline.toString()).to.equal(report.claimDeadline);
    });

    it("claim --json stakes the compensation and makes the signer accountable", async function () {
      const { operator } = cli.roles;
      const { failureId } = await reportFailure(cli, { compensation: parseEther("0.3") });
      const claim = parseJson<{ failureId: string; stake: string; resolutionDeadline: string }>(
        await cli.run(["claim", failureId.toString(), "--json"], { key: operator.privateKey }),
      );
      expect(claim).to.include({ failureId: failureId.toString(), stake: parseEther("0.3").toString() });
      const failure = await cli.reader.getFailure(failureId);
      expect(failure).to.include({
        state: "Claimed",
        accountable: operator.address,
        collateral: parseEther("0.3"),
      });
    });

    it("compensate closes the failure as Compensated and credits the beneficiary", async function () {
      const { operator, beneficiary, reporter } = cli.roles;
      const { failureId } = await reportFailure(cli, { compensation: parseEther("0.3") });
      await cli.client(operator).claimResponsibility({ failureId });
      const result = await cli.run(["compensate", failureId.toString()], { key: operator.privateKey });
      expectSuccess(result);
      expect(result.stdout).to.include(`closed failure #${failureId}: Compensated`);
      expect(result.stdout).to.include(`credited 0.3 ETH to ${beneficiary.address} (Compensation)`);
      expect(result.stdout).to.include(`credited 0.01 ETH to ${reporter.address} (ReporterBondReturned)`);
      expect((await cli.reader.getFailure(failureId)).state).to.equal("Compensated");
    });
  });

  describe("ledger, failures, failure", function () {
    it("ledger --json gives exact counts and amounts for the node, the operator and the beneficiary", async function () {
      const node = cli.roles.fresh();
      const operator = cli.roles.fresh();
      const beneficiary = cli.roles.fresh();
      await cli.client(node).bond({ amount: parseEther("1") });
      const trace = textId(uniqueText("ledger"));
      await cli.client(node).logSteps({
        steps: [
          { traceId: trace, kind: "Model", inputDigest: textId("w"), outputDigest: textId("c") },
          { traceId: trace, kind: "Compute", inputDigest: textId("q"), outputDigest: textId("a") },
        ],
      });
      const report = await cli.client(cli.roles.reporter).reportFailure({
        traceId: trace,
        stepIndex: 1,
        beneficiary: beneficiary.address,
        compensation: parseEther("0.4"),
        evidenceDigest: textId("evidence"),
      });
      await cli.client(operator).claimResponsibility({ failureId: report.failureId });
      await cli.client(operator).compensate({ failureId: report.failureId });

      const [nodeRun, operatorRun, beneficiaryRun] = await Promise.all([
        cli.run(["ledger", node.address, "--json"]),
        cli.run(["ledger", operator.address.toLowerCase(), "--json"]),
        cli.run(["ledger", beneficiary.address]),
      ]);
      const nodeLedger = parseJson<Json<LedgerView>>(nodeRun);
      expect(nodeLedger).to.deep.include({
        account: node.address,
        stepsLogged: 2,
        failuresAttributed: 1,
        failuresReported: 0,
        failuresClaimed: 0,
        failuresDefaulted: 0,
        failuresCompensated: 0,
        amountPaid: "0",
        amountSlashed: "0",
        amountReceived: "0",
        credit: "0",
      });
      expect(nodeLedger.bond).to.include({ amount: parseEther("1").toString(), openFailures: 0 });

      const operatorLedger = parseJson<Json<LedgerView>>(operatorRun);
      expect(operatorLedger).to.deep.include({
        account: operator.address,
        stepsLogged: 0,
        failuresAttributed: 0,
        failuresClaimed: 1,
        failuresCompensated: 1,
        amountPaid: parseEther("0.4").toString(),
        amountSlashed: "0",
        credit: "0",
      });

      expectSuccess(beneficiaryRun);
      expect(beneficiaryRun.stdout).to.include(`ledger of ${beneficiary.address}`);
      expect(beneficiaryRun.stdout).to.match(/│ received\s+│ 0\.4 ETH\s+│/);
      expect(beneficiaryRun.stdout).to.match(/│ credit \(withdrawable\)\s+│ 0\.4 ETH\s+│/);
    });

    it("failures --json filters by actor and by state", async function () {
      const node = cli.roles.fresh();
      await cli.client(node).bond({ amount: parseEther("1") });
      const first = await reportFailure(cli, { actor: node, compensation: parseEther("0.1") });
      const second = await reportFailure(cli, { actor: node, compensation: parseEther("0.2") });
      await cli.client(cli.roles.operator).claimResponsibility({ failureId: second.failureId });

      const [all, claimed] = await Promise.all([
        cli.run(["failures", "--actor", node.address, "--json"]),
        cli.run(["failures", "--actor", node.address, "--state", "Claimed", "--json"]),
      ]);
      const { failures } = parseJson<{ failures: Json<FailureView>[] }>(all);
      expect(
        failures.map((failure) => [failure.failureId, failure.state, failure.actor, failure.compensation]),
      ).to.deep.equal([
        [first.failureId.toString(), "Reported", node.address, parseEther("0.1").toString()],
        [second.failureId.toString(), "Claimed", node.address, parseEther("0.2").toString()],
      ]);
      const onlyClaimed = parseJson<{ failures: Json<FailureView>[] }>(claimed).failures;
      expect(onlyClaimed.map((failure) => failure.failureId)).to.deep.equal([second.failureId.toString()]);
      expect(onlyClaimed[0].accountable).to.equal(cli.roles.operator.address);
    });

    it("failure <id> --json gives the state and the history of events; the table shows the same", async function () {
      const { operator, beneficiary } = cli.roles;
      const { failureId, stepId } = await reportFailure(cli, { compensation: parseEther("0.2") });
      await cli.client(operator).claimResponsibility({ failureId });
      await cli.client(operator).compensate({ failureId });

      const [json, table] = await Promise.all([
        cli.run(["failure", failureId.toString(), "--json"]),
        cli.run(["failure", failureId.toString()]),
      ]);
      const failure = parseJson<Json<FailureWithHistory>>(json);
      expect(failure).to.include({
        failureId: failureId.toString(),
        state: "Compensated",
        open: false,
        stepId,
        accountable: operator.address,
        beneficiary: beneficiary.address,
        compensation: parseEther("0.2").toString(),
      });
      expect(failure.history.map((event) => event.name)).to.deep.equal([
        "FailureReported",
        "ResponsibilityClaimed",
        "FailureClosed",
        "Credited",
        "Credited",
      ]);

      expectSuccess(table);
      expect(table.stdout).to.include(`failure #${failureId} — Compensated`);
      expect(table.stdout).to.include(`claimed by ${operator.address}, staking 0.2 ETH`);
      expect(table.stdout).to.include("closed: Compensated, 0.2 ETH to the beneficiary");
    });
  });

  describe("remedy", function () {
    it("remedy propose by the accountable party, then remedy accept by the beneficiary, closes it as Remedied", async function () {
      const { operator, beneficiary } = cli.roles;
      const { failureId } = await reportFailure(cli, { compensation: parseEther("0.25") });
      await cli.client(operator).claimResponsibility({ failureId });

      const proposed = parseJson<{ failureId: string; remedyDeadline: string }>(
        await cli.run(
          ["remedy", "propose", failureId.toString(), "--remedy", "re-ran on a verified node", "--json"],
          { key: operator.privateKey },
        ),
      );
      expect(proposed.failureId).to.equal(failureId.toString());
      expect((await cli.reader.getFailure(failureId)).state).to.equal("RemedyProposed");

      const accepted = parseJson<CloseJson>(
        await cli.run(["remedy", "accept", failureId.toString(), "--json"], { key: beneficiary.privateKey }),
      );
      expect(accepted.outcome).to.equal("Remedied");
      expect(accepted.paidToBeneficiary).to.equal("0");
      expect(accepted.credits).to.deep.include({
        account: operator.address,
        failureId: failureId.toString(),
        reason: "StakeReturned",
        amount: parseEther("0.25").toString(),
      });
    });
  });

  describe("fallback, enforce (with advance-time)", function () {
    it("fallback after advance-time past the claim window makes the step's actor accountable", async function () {
      const { node, beneficiary } = cli.roles;
      const { failureId } = await reportFailure(cli, { compensation: parseEther("0.2") });

      const early = await cli.run(["fallback", failureId.toString()], { key: beneficiary.privateKey });
      expectCliError(early, { code: 1, message: "DeadlineNotReached" });

      const advanced = parseJson<{ advancedSeconds: number; blockNumber: number; timestamp: number }>(
        await cli.run(["advance-time", "25h", "--json"]),
      );
      expect(advanced.advancedSeconds).to.equal(25 * 3600);

      const assigned = parseJson<{ failureId: string; actor: string; locked: string; shortfall: string }>(
        await cli.run(["fallback", failureId.toString(), "--json"], { key: beneficiary.privateKey }),
      );
      expect(assigned).to.include({
        failureId: failureId.toString(),
        actor: node.address,
        locked: parseEther("0.2").toString(),
        shortfall: "0",
      });
      const failure = await cli.reader.getFailure(failureId);
      expect(failure).to.include({ state: "Assigned", accountable: node.address, collateralFromBond: true });
    });

    it("enforce after the resolution window pays the beneficiary from the actor's bond", async function () {
      const { node, beneficiary } = cli.roles;
      const { failureId } = await reportFailure(cli, { compensation: parseEther("0.15") });
      const bondBefore = (await cli.reader.getBond(node.address)).amount;
      await increaseTime(cli, cli.parameters.claimWindow + 1n);
      await cli.client(beneficiary).assignFallback({ failureId });
      await increaseTime(cli, cli.parameters.resolutionWindow + 1n);

      const enforced = parseJson<CloseJson>(
        await cli.run(["enforce", failureId.toString(), "--json"], { key: beneficiary.privateKey }),
      );
      expect(enforced).to.include({
        outcome: "Enforced",
        accountable: node.address,
        paidToBeneficiary: parseEther("0.15").toString(),
        unbackedShortfall: "0",
      });
      expect(enforced.credits).to.deep.include({
        account: beneficiary.address,
        failureId: failureId.toString(),
        reason: "Compensation",
        amount: parseEther("0.15").toString(),
      });
      expect(bondBefore - (await cli.reader.getBond(node.address)).amount).to.equal(parseEther("0.15"));
    });
  });

  describe("collect", function () {
    it("collect locks bond the node posted after the fallback behind the failure's shortfall", async function () {
      const { beneficiary } = cli.roles;
      const unbonded = cli.roles.fresh();
      const { failureId } = await reportFailure(cli, { compensation: parseEther("0.3"), actor: unbonded });
      await increaseTime(cli, cli.parameters.claimWindow + 1n);
      await cli.client(beneficiary).assignFallback({ failureId });
      const id = failureId.toString();

      const nothing = await cli.run(["collect", id], { key: beneficiary.privateKey });
      expectCliError(nothing, { code: 1, message: "NothingToCollect" });

      await cli.client(unbonded).bond({ amount: parseEther("0.2") });
      const collected = parseJson<{
        failureId: string;
        actor: string;
        collected: string;
        remainingShortfall: string;
      }>(await cli.run(["collect", id, "--json"], { key: beneficiary.privateKey }));
      expect(collected).to.include({
        failureId: id,
        actor: unbonded.address,
        collected: parseEther("0.2").toString(),
        remainingShortfall: parseEther("0.1").toString(),
      });
      const failure = await cli.reader.getFailure(failureId);
      expect(failure).to.include({ collateral: parseEther("0.2"), shortfall: parseEther("0.1") });
    });
  });

  describe("contest, rule", function () {
    it("contest by the step's actor, then rule invalid by the arbiter, closes it as RuledInvalid", async function () {
      const { node, arbiter, treasury } = cli.roles;
      const { failureId } = await reportFailure(cli, { compensation: parseEther("0.2") });

      const contested = parseJson<{ failureId: string; locked: string; arbitrationDeadline: string }>(
        await cli.run(["contest", failureId.toString(), "--reason", "the answer was right", "--json"], {
          key: node.privateKey,
        }),
      );
      expect(contested).to.include({ failureId: failureId.toString(), locked: parseEther("0.2").toString() });
      expect((await cli.reader.getFailure(failureId)).state).to.equal("Contested");

      const ruled = parseJson<CloseJson>(
        await cli.run(["rule", failureId.toString(), "invalid", "--json"], { key: arbiter.privateKey }),
      );
      const { reporterBond, treasuryShareBps } = cli.parameters;
      const treasuryShare = (reporterBond * treasuryShareBps) / 10_000n;
      expect(ruled.outcome).to.equal("RuledInvalid");
      expect(ruled.paidToBeneficiary).to.equal("0");
      expect(ruled.credits).to.deep.equal([
        {
          account: node.address,
          failureId: failureId.toString(),
          reason: "ReporterBondAwarded",
          amount: (reporterBond - treasuryShare).toString(),
        },
        {
          account: treasury.address,
          failureId: failureId.toString(),
          reason: "TreasuryShare",
          amount: treasuryShare.toString(),
        },
      ]);
    });
  });

  describe("withdraw", function () {
    it("withdraw --json pays the signer's credits out to it", async function () {
      const beneficiary = cli.roles.fresh();
      const { operator } = cli.roles;
      const { failureId } = await reportFailure(cli, { beneficiary, compensation: parseEther("0.3") });
      await cli.client(operator).claimResponsibility({ failureId });
      await cli.client(operator).compensate({ failureId });
      const balanceBefore = await cli.provider.getBalance(beneficiary.address);

      const withdrawn = parseJson<{
        amount: string;
        to: string;
        releasedBond: string;
        transactionHash: string;
      }>(await cli.run(["withdraw", "--json"], { key: beneficiary.privateKey }));
      expect(withdrawn).to.include({
        amount: parseEther("0.3").toString(),
        to: beneficiary.address,
        releasedBond: "0",
      });
      const receipt = await cli.provider.getTransactionReceipt(withdrawn.transactionHash);
      const fee = (receipt?.gasUsed ?? 0n) * (receipt?.gasPrice ?? 0n);
      expect(fee).to.be.greaterThan(0n);
      expect((await cli.provider.getBalance(beneficiary.address)) - balanceBefore).to.equal(
        parseEther("0.3") - fee,
      );
      expect(await cli.reader.getCredit(beneficiary.address)).to.equal(0n);
    });

    it("withdraw with no credit says there is nothing to withdraw (exit 2) and sends nothing", async function () {
      const idle = cli.roles.fresh();
      const result = await cli.run(["withdraw"], { key: idle.privateKey });
      expectCliError(result, { code: 2, message: "nothing to withdraw" });
      expect(await cli.provider.getTransactionCount(idle.address)).to.equal(0);
    });
  });

  describe("watch --auto-claim", function () {
    it("claims a failure another process reports, skips one over --max-spend, and exits 0 on SIGINT", async function () {
      const { node, reporter, beneficiary } = cli.roles;
      const watcher = cli.roles.fresh();
      const watch = cli.start(
        [
          "watch",
          "--actor",
          node.address,
          "--auto-claim",
          "--max-spend",
          "1eth",
          "--poll-ms",
          "200",
          "--json",
        ],
        { key: watcher.privateKey },
      );
      const watching = await watch.waitForRecord((record) => record.event === "watching");
      expect(watching).to.deep.equal({
        event: "watching",
        actors: [node.address],
        autoClaim: true,
        budget: ETH.toString(),
      });

      const trace = uniqueText("watched");
      await cli.client(node).logStep({
        traceId: textId(trace),
        kind: "Compute",
        inputDigest: textId("q"),
        outputDigest: textId("a"),
      });
      const report = parseJson<{ failureId: string }>(
        await cli.run(
          [
            "report",
            "--trace",
            trace,
            "--index",
            "0",
            "--beneficiary",
            beneficiary.address,
            "--compensation",
            "0.4eth",
            "--evidence",
            "wrong",
            "--json",
          ],
          { key: reporter.privateKey },
        ),
      );
      const claimed = await watch.waitForRecord(
        (record) => record.event === "claimed" && record.failureId === report.failureId,
      );
      expect(claimed).to.include({
        stake: parseEther("0.4").toString(),
        budget: parseEther("0.6").toString(),
      });

      const tooDear = await reportFailure(cli, { compensation: parseEther("0.7") });
      const skipped = await watch.waitForRecord(
        (record) => record.event === "skipped" && record.failureId === tooDear.failureId.toString(),
      );
      expect(skipped).to.include({ reason: "over budget", budget: parseEther("0.6").toString() });

      const exit = await watch.interrupt();
      expect(exit.code, describeRun(exit)).to.equal(0);
      expect(exit.signal).to.equal(null);
      expect(exit.stderr).to.equal("");
      expect(watch.records.map((record) => record.event)).to.deep.equal([
        "watching",
        "failure",
        "claimed",
        "failure",
        "skipped",
      ]);
      expect(await cli.reader.getFailure(BigInt(report.failureId))).to.include({
        state: "Claimed",
        accountable: watcher.address,
      });
      expect((await cli.reader.getFailure(tooDear.failureId)).state).to.equal("Reported");
    });
  });

  describe("bad input: one line on stderr, no stack trace, exit code 2 (input) or 1 (chain/RPC)", function () {
    it("a bad address names the argument (exit 2)", async function () {
      expectCliError(await cli.run(["ledger", "0x1234"]), {
        code: 2,
        message: "address: 0x1234 is not an address",
      });
    });

    it("under --json the error is also printed as a JSON object on stdout", async function () {
      const result = await cli.run(["ledger", "not-an-address", "--json"]);
      expect(result.code, describeRun(result)).to.equal(2);
      expect(JSON.parse(result.stdout)).to.deep.equal({
        error: 'address: "not-an-address" is not an address',
        code: 2,
      });
      expect(result.stderr).to.equal('error: address: "not-an-address" is not an address\n');
    });

    it("a write without ONUS_PRIVATE_KEY or a keystore asks for a key (exit 2)", async function () {
      expectCliError(await cli.run(["bond", "1eth"]), {
        code: 2,
        message:
          "this command sends a transaction and needs a key: set ONUS_PRIVATE_KEY, or pass --keystore <file>",
      });
    });

    it("--chain-id 1 against the local node is refused as the wrong network (exit 2)", async function () {
      expectCliError(await cli.run(["--chain-id", "1", "params"]), {
        code: 2,
        message: `wrong network: the RPC at ${cli.node.url} is chain ${LOCAL_CHAIN_ID}, but the deployment is on chain 1`,
      });
    });

    it("ONUS_CHAIN_ID=1 refuses a write before anything is sent (exit 2)", async function () {
      const { node } = cli.roles;
      const nonce = await cli.provider.getTransactionCount(node.address);
      const result = await cli.run(["bond", "1eth"], { key: node.privateKey, env: { ONUS_CHAIN_ID: "1" } });
      expectCliError(result, {
        code: 2,
        message: `is chain ${LOCAL_CHAIN_ID}, but the deployment is on chain 1`,
      });
      expect(await cli.provider.getTransactionCount(node.address)).to.equal(nonce);
    });

    it("a batch file with a line that is not JSON names the file and line, and sends nothing (exit 2)", async function () {
      const { node } = cli.roles;
      const file = cli.writeFile(
        "broken.ndjson",
        [
          JSON.stringify({ traceId: "t", kind: "Model", inputDigest: "w", outputDigest: "c" }),
          '{"traceId": "t", "kind": "Compute",',
          JSON.stringify({ traceId: "t", kind: "Compute", inputDigest: "q", outputDigest: "a" }),
        ].join("\n"),
      );
      const nonce = await cli.provider.getTransactionCount(node.address);
      expectCliError(await cli.run(["log", "--file", file], { key: node.privateKey }), {
        code: 2,
        message: `${file} line 2 is not valid JSON`,
      });
      expect(await cli.provider.getTransactionCount(node.address)).to.equal(nonce);
    });

    it("a step with an unknown kind names the file and its line (NDJSON) or position (JSON array) (exit 2)", async function () {
      const { node } = cli.roles;
      const good = { traceId: "t", kind: "Model", inputDigest: "w", outputDigest: "c" };
      const bad = { traceId: "t", kind: "Thinking", inputDigest: "w", outputDigest: "c" };
      const ndjson = cli.writeFile(
        "unknown-kind.ndjson",
        [good, "", bad].map((line) => (line === "" ? "" : JSON.stringify(line))).join("\n"),
      );
      const array = cli.writeFile("unknown-kind.json", JSON.stringify([good, bad]));
      const [fromNdjson, fromArray] = await Promise.all([
        cli.run(["log", "--file", ndjson], { key: node.privateKey }),
        cli.run(["log", "--file", array], { key: node.privateKey }),
      ]);
      expectCliError(fromNdjson, {
        code: 2,
        message: `${ndjson} line 3: step.kind: "Thinking" is not a step kind`,
      });
      expectCliError(fromArray, {
        code: 2,
        message: `${array} step 2: step.kind: "Thinking" is not a step kind`,
      });
    });

    it("--private-key as an argument is refused without echoing the key (exit 2)", async function () {
      const { node } = cli.roles;
      for (const args of [
        ["bond", "1eth", "--private-key", node.privateKey],
        ["--private-key=" + node.privateKey, "bond", "1eth"],
      ]) {
        const result = await cli.run(args);
        expectCliError(result, { code: 2, message: "secrets are never taken as command-line arguments" });
        expect(result.stderr).not.to.include(node.privateKey.slice(2));
      }
    });

    it("an amount with a unit the collateral does not take is refused before anything is sent (exit 2)", async function () {
      const { node } = cli.roles;
      const nonce = await cli.provider.getTransactionCount(node.address);
      expectCliError(await cli.run(["bond", "1btc"], { key: node.privateKey }), {
        code: 2,
        message: 'amount: "1btc" has unit "btc"; the collateral takes eth, gwei or wei',
      });
      expect(await cli.provider.getTransactionCount(node.address)).to.equal(nonce);
    });

    it("claiming a closed failure shows the decoded custom error (exit 1)", async function () {
      const { operator } = cli.roles;
      const { failureId } = await reportFailure(cli, { compensation: parseEther("0.1") });
      await cli.client(operator).claimResponsibility({ failureId });
      await cli.client(operator).compensate({ failureId });
      const result = await cli.run(["claim", failureId.toString()], { key: operator.privateKey });
      expectCliError(result, {
        code: 1,
        message: `the registry refused: FailureNotClaimable(failureId=${failureId}, state=Compensated)`,
      });
    });

    it("an unreachable RPC says so and names the URL (exit 1)", async function () {
      const url = `http://127.0.0.1:${await freePort()}`;
      expectCliError(await cli.run(["--rpc", url, "params"]), {
        code: 1,
        message: `cannot reach the RPC at ${url}: is the node running?`,
      });
    });
  });
});
