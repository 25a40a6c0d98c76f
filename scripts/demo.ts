/**
 * `npm run demo` — the whole idea of Onus in a minute, with real transactions on the in-process
 * Hardhat network, all through the SDK.
 *
 * Three nodes (a model publisher, a compute node and a verifier) bond and log the steps of four
 * inferences. A reporter flags a failure in each. Then, side by side:
 *   (a) an operator steps forward, claims and compensates;
 *   (b) nobody claims: the fallback assigns the compute node and its bond pays;
 *   (c) the accountable party proposes a remedy and the beneficiary accepts;
 *   (d) a false report is contested and the arbiter rules it invalid.
 * It prints each trace with its verification, each failure's path, the ledger of every address,
 * and who carried the cost of each failure.
 */
import { network } from "hardhat";
import { id, parseEther, type Signer } from "ethers";
import {
  createOnusClient,
  defaultParameters,
  type FailureWithHistory,
  type LedgerView,
  type OnusClient,
} from "../sdk/index.js";
import { ResponsibilityRegistry__factory } from "../types/ethers-contracts/factories/ResponsibilityRegistry__factory.js";
import { formatAmount, type Collateral } from "./cli/amounts.js";
import { createOutput, formatDuration, short } from "./cli/output.js";

const out = createOutput({ json: false });
const { bold, dim, green, red, yellow, cyan } = out.colors;
const ETH: Collateral = {
  symbol: "ETH",
  decimals: 18,
  native: true,
  address: "0x0000000000000000000000000000000000000000",
};
const eth = (value: bigint) => formatAmount(value, ETH);
const section = (title: string) => out.line(`\n${bold(cyan(`━━ ${title} ━━`))}`);

const { ethers, networkHelpers } = await network.create();
const signers = await ethers.getSigners();
const [
  admin,
  arbiter,
  treasury,
  publisher,
  computeNode,
  verifier,
  reporter,
  operator,
  alice,
  bob,
  carol,
  dave,
  relayer,
] = signers;

const names = new Map<string, string>();
const cast: [Signer & { address: string }, string][] = [
  [admin, "admin"],
  [arbiter, "arbiter"],
  [treasury, "treasury"],
  [publisher, "model publisher"],
  [computeNode, "compute node"],
  [verifier, "verifier"],
  [reporter, "reporter"],
  [operator, "operator"],
  [alice, "alice (user)"],
  [bob, "bob (user)"],
  [carol, "carol (user)"],
  [dave, "dave (user)"],
  [relayer, "relayer"],
];
for (const [signer, name] of cast) names.set(signer.address, name);
const who = (address: string) => names.get(address) ?? short(address, 4);

// ── 1. Deploy ──────────────────────────────────────────────────────────────────────────────────
section("1. A registry on the in-process chain");
const parameters = defaultParameters({ arbiter: arbiter.address, treasury: treasury.address });
const deployed = await new ResponsibilityRegistry__factory(admin).deploy(
  ethers.ZeroAddress,
  parameters,
  false,
  0n,
  admin.address,
);
await deployed.waitForDeployment();
const address = await deployed.getAddress();
const client = (signer: Signer) => createOnusClient({ address, runner: signer });
const [asPublisher, asCompute, asVerifier, asReporter, asOperator, asArbiter, asRelayer] = [
  publisher,
  computeNode,
  verifier,
  reporter,
  operator,
  arbiter,
  relayer,
].map(client);
const asUser = new Map<string, OnusClient>(
  [alice, bob, carol, dave].map((user) => [user.address, client(user)]),
);
out.line(`ResponsibilityRegistry at ${address}, collateral: ETH`);
out.line(
  dim(
    `reporter bond ${eth(parameters.reporterBond)}; claim window ${formatDuration(parameters.claimWindow)}, resolution ${formatDuration(parameters.resolutionWindow)}, remedy ${formatDuration(parameters.remedyWindow)}, arbitration ${formatDuration(parameters.arbitrationTimeout)}; treasury share ${Number(parameters.treasuryShareBps) / 100} %`,
  ),
);

// ── 2. Nodes bond ──────────────────────────────────────────────────────────────────────────────
section("2. Nodes post operator bonds");
for (const [node, amount] of [
  [asPublisher, parseEther("1")],
  [asCompute, parseEther("2")],
  [asVerifier, parseEther("1")],
] as const) {
  const result = await node.bond({ amount });
  out.line(`${who(await node.getSignerAddress())} bonded ${eth(result.newBond)}`);
}

// ── 3. Nodes log inferences ────────────────────────────────────────────────────────────────────
section("3. Nodes log the steps of four inferences");
interface Inference {
  label: string;
  traceId: string;
  user: string;
  prompt: string;
  answer: string;
}
const inferences: Inference[] = [
  {
    label: "a",
    traceId: id("inference-a: capital of Australia"),
    user: alice.address,
    prompt: "Capital of Australia?",
    answer: "Sydney",
  },
  {
    label: "b",
    traceId: id("inference-b: 17 x 23"),
    user: bob.address,
    prompt: "What is 17 x 23?",
    answer: "381",
  },
  {
    label: "c",
    traceId: id("inference-c: translate 'merci'"),
    user: carol.address,
    prompt: "Translate 'merci'",
    answer: "please",
  },
  {
    label: "d",
    traceId: id("inference-d: boiling point"),
    user: dave.address,
    prompt: "Water boils at sea level at?",
    answer: "100 °C",
  },
];
const modelStep = (traceId: string) => ({
  traceId,
  kind: "Model" as const,
  inputDigest: id("llama-3-8b-instruct weights"),
  outputDigest: id("q4_k_m, temperature 0"),
  uri: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
});
for (const inference of inferences) {
  const compute = {
    traceId: inference.traceId,
    kind: "Compute" as const,
    inputDigest: id(inference.prompt),
    outputDigest: id(inference.answer),
  };
  const verification = {
    traceId: inference.traceId,
    kind: "Verification" as const,
    inputDigest: id(inference.answer),
    outputDigest: id("verdict: pass"),
  };
  if (inference.label === "d") {
    // Relayed: each node signs its step (EIP-712); the relayer pays gas in one transaction.
    const batches = [
      await asPublisher.signSteps({ steps: [modelStep(inference.traceId)] }),
      await asCompute.signSteps({ steps: [compute] }),
      await asVerifier.signSteps({ steps: [verification] }),
    ];
    const result = await asRelayer.logSignedSteps({ batches });
    out.line(
      `inference ${inference.label}: 3 signed steps relayed in one transaction ${dim(short(result.transactionHash))}`,
    );
  } else {
    await asPublisher.logStep(modelStep(inference.traceId));
    await asCompute.logStep(compute);
    await asVerifier.logStep(verification);
    out.line(`inference ${inference.label}: model, compute and verification steps, each logged by its node`);
  }
}

// ── 4. Traces, verified ────────────────────────────────────────────────────────────────────────
section("4. Each trace, rebuilt from events and verified against the head stored on-chain");
for (const inference of inferences) {
  const trace = await asReporter.getTrace(inference.traceId);
  const verification = await asReporter.verifyTrace(trace);
  out.line(
    `inference ${bold(inference.label)} "${inference.prompt}" → "${inference.answer}"  ${verification.valid ? green("✓ verified") : red("✗ NOT verified")}`,
  );
  out.table(
    ["#", "kind", "actor", "step id", "tx"],
    trace.steps.map((step) => [
      step.index + 1,
      step.kind,
      who(step.actor),
      short(step.stepId),
      short(step.transactionHash),
    ]),
  );
  if (!verification.valid) process.exitCode = 1;
}

// ── 5. Reports ─────────────────────────────────────────────────────────────────────────────────
section("5. A reporter flags four answers as wrong, each with a bond");
const reports = [
  {
    inference: inferences[0],
    stepIndex: 1,
    compensation: parseEther("0.5"),
    evidence: "Canberra is the capital",
  },
  { inference: inferences[1], stepIndex: 1, compensation: parseEther("0.8"), evidence: "17 x 23 = 391" },
  {
    inference: inferences[2],
    stepIndex: 1,
    compensation: parseEther("0.3"),
    evidence: "'merci' means 'thank you'",
  },
  {
    inference: inferences[3],
    stepIndex: 2,
    compensation: parseEther("0.4"),
    evidence: "claims the verifier passed a wrong answer",
  },
];
const failureIds: bigint[] = [];
for (const report of reports) {
  const result = await asReporter.reportFailure({
    traceId: report.inference.traceId,
    stepIndex: report.stepIndex,
    beneficiary: report.inference.user,
    compensation: report.compensation,
    evidenceDigest: id(report.evidence),
  });
  failureIds.push(result.failureId);
  out.line(
    `failure #${result.failureId} (inference ${report.inference.label}): step ${report.stepIndex + 1} by ${who(result.actor)}; ${who(report.inference.user)} asks ${eth(report.compensation)} — "${report.evidence}"`,
  );
}
const [failureA, failureB, failureC, failureD] = failureIds;

// ── 6. Four outcomes ───────────────────────────────────────────────────────────────────────────
section("6. Four outcomes, side by side");
out.line(bold("(a) an operator steps forward, claims and compensates"));
const claimA = await asOperator.claimResponsibility({ failureId: failureA });
out.line(`  the operator staked ${eth(claimA.stake)} and is now accountable for #${failureA}`);
const paidA = await asOperator.compensate({ failureId: failureA });
out.line(
  `  it compensated: ${eth(paidA.paidToBeneficiary)} credited to ${who((await asOperator.getFailure(failureA)).beneficiary)}`,
);

out.line(bold("(c) the accountable party proposes a remedy and the beneficiary accepts"));
const claimC = await asCompute.claimResponsibility({ failureId: failureC });
out.line(`  the compute node claimed #${failureC} itself, staking ${eth(claimC.stake)}`);
await asCompute.proposeRemedy({
  failureId: failureC,
  remedyDigest: id("re-ran the translation on a verified model and refunded the fee"),
});
out.line("  it proposed a remedy: re-run on a verified model and a refund of the fee");
await asUser.get(carol.address)!.acceptRemedy({ failureId: failureC });
out.line("  carol accepted: the stake went back to the compute node");

out.line(bold("(d) a false report is contested and the arbiter rules it invalid"));
const contestD = await asVerifier.contest({
  failureId: failureD,
  reasonDigest: id("water boils at 100 °C at sea level"),
});
out.line(
  `  the verifier contested #${failureD} within the claim window (its bond locked ${eth(contestD.locked)} meanwhile)`,
);
await asArbiter.rule({ failureId: failureD, ruling: "Invalid" });
out.line("  the arbiter ruled the report invalid");

out.line(bold("(b) nobody claims: the fallback assigns the compute node and its bond pays"));
out.line(dim("  (last, because it needs the clock to move past the claim and resolution windows)"));
await networkHelpers.time.increase(Number(parameters.claimWindow) + 1);
out.line(`  ${formatDuration(parameters.claimWindow)} passed and nobody claimed #${failureB}`);
const fallbackB = await asUser.get(bob.address)!.assignFallback({ failureId: failureB });
out.line(
  `  bob called the fallback: ${who(fallbackB.actor)} is accountable, ${eth(fallbackB.locked)} of its bond locked`,
);
await networkHelpers.time.increase(Number(parameters.resolutionWindow) + 1);
out.line(`  the compute node did nothing for ${formatDuration(parameters.resolutionWindow)}`);
const enforceB = await asUser.get(bob.address)!.enforce({ failureId: failureB });
out.line(`  bob enforced: ${eth(enforceB.paidToBeneficiary)} of the compute node's bond credited to bob`);

// Everyone withdraws what they are owed (pull payments).
for (const party of [alice, bob, carol, dave, reporter, operator, computeNode, verifier, treasury]) {
  const member = asUser.get(party.address) ?? client(party);
  if ((await member.getCredit(party.address)) > 0n) await member.withdraw();
}

// ── 7. Each failure's path ─────────────────────────────────────────────────────────────────────
section("7. Each failure's path");
const failures: FailureWithHistory[] = [];
for (const failureId of failureIds) {
  const failure = await asReporter.getFailureWithHistory(failureId);
  failures.push(failure);
  const path = failure.history
    .filter((event) => event.name !== "Credited" && event.name !== "BondRestored")
    .map((event) => (event.name === "FailureClosed" ? String(event.args.outcome) : event.name))
    .join(" → ");
  out.line(`#${failureId}  ${path}`);
}

// ── 8. The ledger ──────────────────────────────────────────────────────────────────────────────
section("8. The ledger of every address");
const ledgers: LedgerView[] = [];
for (const [signer] of cast) ledgers.push(await asReporter.getLedger(signer.address));
out.table(
  [
    "address",
    "steps",
    "against",
    "claimed",
    "fallback",
    "contested",
    "paid",
    "slashed",
    "received",
    "forfeited",
    "bond",
  ],
  ledgers.map((ledger) => [
    who(ledger.account),
    ledger.stepsLogged,
    ledger.failuresAttributed,
    ledger.failuresClaimed,
    ledger.failuresDefaulted,
    ledger.failuresContested,
    eth(ledger.amountPaid),
    eth(ledger.amountSlashed),
    eth(ledger.amountReceived),
    eth(ledger.reporterBondsForfeited),
    eth(ledger.bond.amount),
  ]),
);
out.line(
  dim(
    "paid: collateral paid to beneficiaries; slashed: the part taken from an operator bond; received: compensation and awarded bonds; forfeited: bonds lost on false reports",
  ),
);

// ── 9. Who carried the cost ────────────────────────────────────────────────────────────────────
section("9. Who carried the cost");
for (const failure of failures) out.line(`#${failure.failureId}  ${explain(failure)}`);
const totals = await asReporter.getTotals();
out.line(
  dim(
    `\nThe registry still owes: bonds ${eth(totals.bonded)}, reporter bonds ${eth(totals.reporterBonds)}, stakes ${eth(totals.staked)}, credits ${eth(totals.credits)}.`,
  ),
);

function explain(failure: FailureWithHistory): string {
  const beneficiary = who(failure.beneficiary);
  const accountable = who(failure.accountable);
  const credit = (reason: string) =>
    failure.history
      .filter((event) => event.name === "Credited" && event.args.reason === reason)
      .map((event) => ({ account: String(event.args.account), amount: event.args.amount as bigint }));
  switch (failure.state) {
    case "Compensated":
      return `Carried by the ${green(accountable)}: it stepped forward, staked ${eth(failure.collateral)} and paid ${beneficiary}. The ${who(failure.actor)}'s bond was never touched.`;
    case "Enforced":
    case "RuledValid":
      return failure.collateralFromBond
        ? `Carried by the ${yellow(accountable)}, the node that logged the failing step: nobody stepped forward, so ${eth(failure.collateral)} of its bond paid ${beneficiary}${failure.shortfall > 0n ? `, and the ${eth(failure.shortfall)} it could not cover is recorded against it` : ""}.`
        : `Carried by the ${accountable}: its stake of ${eth(failure.collateral)} paid ${beneficiary}.`;
    case "Remedied":
      return `Carried by the ${green(accountable)}: it took responsibility and made it right with a remedy ${beneficiary} accepted; its ${eth(failure.collateral)} stake came back, so the cost was the remedy itself.`;
    case "RuledInvalid": {
      const award = credit("ReporterBondAwarded")[0];
      const share = credit("TreasuryShare")[0];
      const parts = [
        ...(award ? [`${eth(award.amount)} to the ${who(award.account)} (the wrongly accused)`] : []),
        ...(share ? [`${eth(share.amount)} to the treasury`] : []),
      ];
      return `Carried by the ${red(who(failure.reporter))}: the report was false, so it lost its ${eth(failure.reporterBond)} bond — ${parts.join(" and ")}.`;
    }
    case "Drawn":
      return "Nobody: the arbiter did not decide, everything returned.";
    default:
      return `still open (${failure.state}).`;
  }
}
