// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IResponsibilityRegistry} from "../interfaces/IResponsibilityRegistry.sol";

/// @title ReentrantReceiver — a native-currency recipient that re-enters the registry
/// @notice Named as a beneficiary so it holds credits. When the registry pays it in {withdraw},
/// `receive()` calls the registry again with `reentryData` (by default another `withdraw`) and
/// records the outcome. With `bubble` set it reverts with the inner error instead, so the outer
/// native transfer fails.
contract ReentrantReceiver {
    /// @notice The registry this receiver withdraws from and re-enters.
    IResponsibilityRegistry public immutable registry;

    /// @notice Calldata sent to the registry from `receive()`.
    bytes public reentryData;
    /// @notice Whether `receive()` reverts when the re-entrant call fails.
    bool public bubble;
    /// @notice How many times `receive()` tried to re-enter.
    uint256 public reentryAttempts;
    /// @notice Whether the last re-entrant call succeeded (it never should).
    bool public lastReentrySucceeded;
    /// @notice Return or revert data of the last re-entrant call.
    bytes public lastReentryResult;

    constructor(IResponsibilityRegistry registry_) {
        registry = registry_;
        reentryData = abi.encodeCall(IResponsibilityRegistry.withdraw, (address(this)));
    }

    /// @notice Re-enters the registry with `reentryData` on every payment.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        reentryAttempts += 1;
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory result) = address(registry).call(reentryData);
        lastReentrySucceeded = success;
        lastReentryResult = result;
        if (!success && bubble) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }

    /// @notice Sets what `receive()` sends to the registry and whether it bubbles a failure.
    function setReentry(bytes calldata data, bool bubble_) external {
        reentryData = data;
        bubble = bubble_;
    }

    /// @notice Withdraws this contract's credits to itself (which triggers `receive()`).
    function withdrawCredits() external returns (uint256) {
        return registry.withdraw(address(this));
    }
}
