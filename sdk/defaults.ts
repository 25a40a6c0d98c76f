/**
 * Default registry parameters: what local chains, the demo and `onus deploy` use unless told
 * otherwise. Public deployments should choose their own (see ignition/parameters/).
 *
 * @module
 */
import type { RegistryParameters } from "./types.js";

const DAY = 86_400n;

/**
 * Default parameters: 0.01-unit reporter bond, 10-unit compensation cap, report window 7 days,
 * claim 1 day, resolution 2 days, remedy 3 days, arbitration 4 days, unbonding 17 days (the sum
 * of the windows), 10 % treasury share.
 *
 * @example
 * const parameters = defaultParameters({ arbiter, treasury });
 */
export function defaultParameters(roles: { arbiter: string; treasury: string }): RegistryParameters {
  return {
    reporterBond: 10n ** 16n,
    compensationCap: 10n ** 19n,
    reportWindow: 7n * DAY,
    claimWindow: DAY,
    resolutionWindow: 2n * DAY,
    remedyWindow: 3n * DAY,
    arbitrationTimeout: 4n * DAY,
    unbondingDelay: 17n * DAY,
    treasuryShareBps: 1_000n,
    arbiter: roles.arbiter,
    treasury: roles.treasury,
  };
}
