// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IResponsibilityRegistry} from "../../../contracts/interfaces/IResponsibilityRegistry.sol";

/// @notice The parameters the Solidity tests deploy with: the SDK's defaults (`sdk/defaults.ts`),
/// which the mocha fixtures use too, so a failure's timeline reads the same in both suites.
library TestParameters {
    /// @return p Reporter bond 0.01, cap 10 (18 decimals), windows 7/1/2/3/4 days, unbonding delay
    /// 17 days (the sum of the windows), a 10 % treasury share.
    function standard(
        address arbiter,
        address treasury
    ) internal pure returns (IResponsibilityRegistry.Parameters memory p) {
        p = IResponsibilityRegistry.Parameters({
            reporterBond: 1e16,
            compensationCap: 1e19,
            reportWindow: 7 days,
            claimWindow: 1 days,
            resolutionWindow: 2 days,
            remedyWindow: 3 days,
            arbitrationTimeout: 4 days,
            unbondingDelay: 17 days,
            treasuryShareBps: 1000,
            arbiter: arbiter,
            treasury: treasury
        });
    }
}
