import type { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ArgumentType } from "@nomicfoundation/ignition-core";

/** The builder `buildModule` hands to a module's function. */
export type ModuleBuilder = Parameters<Parameters<typeof buildModule>[1]>[0];

const DAY = 86_400n;

/**
 * The registry's constructor arguments as Ignition parameters, shared by the modules. Defaults
 * suit a local chain; per-network values live in ignition/parameters/.
 */
export function registryArguments(m: ModuleBuilder, collateral: ArgumentType): ArgumentType[] {
  const deployer = m.getAccount(0);
  return [
    collateral,
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
  ];
}
