import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

const DAY = 86_400n;

/**
 * Deploys the Onus ResponsibilityRegistry. Every value is an Ignition parameter; the defaults
 * suit a local chain (native collateral, open logging, the deployer as arbiter and treasury).
 * Per-network values live in ignition/parameters/*.json.
 */
export default buildModule("ResponsibilityRegistry", (m) => {
  const deployer = m.getAccount(0);
  const registry = m.contract("ResponsibilityRegistry", [
    m.getParameter<string>("collateralToken", "0x0000000000000000000000000000000000000000"),
    {
      reporterBond: m.getParameter("reporterBond", 10n ** 16n),
      compensationCap: m.getParameter("compensationCap", 10n ** 19n),
      reportWindow: m.getParameter("reportWindow", 7n * DAY),
      claimWindow: m.getParameter("claimWindow", DAY),
      resolutionWindow: m.getParameter("resolutionWindow", 2n * DAY),
      remedyWindow: m.getParameter("remedyWindow", 3n * DAY),
      arbitrationTimeout: m.getParameter("arbitrationTimeout", 4n * DAY),
      unbondingDelay: m.getParameter("unbondingDelay", 17n * DAY),
      treasuryShareBps: m.getParameter("treasuryShareBps", 1_000n),
      arbiter: m.getParameter("arbiter", deployer),
      treasury: m.getParameter("treasury", deployer),
    },
    m.getParameter("gatedLogging", false),
    m.getParameter("minimumOperatorBond", 0n),
    m.getParameter("owner", deployer),
  ]);
  return { registry };
});
