// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReentrantCallbackToken — an ERC-20 that calls back during transfers (ERC-777 style)
/// @notice Once armed, the next `transfer` or `transferFrom` (not a mint) calls `target` with
/// `data` in the middle of the transfer, then disarms. The outcome is recorded; with `bubble`
/// set a failed callback reverts the whole transfer with the callback's error.
contract ReentrantCallbackToken is ERC20 {
    /// @notice Contract the callback calls (zero: disarmed).
    address public callbackTarget;
    /// @notice Calldata of the callback.
    bytes public callbackData;
    /// @notice Whether a failed callback reverts the transfer.
    bool public bubble;
    /// @notice How many callbacks ran.
    uint256 public callbacks;
    /// @notice Whether the last callback succeeded.
    bool public lastCallbackSucceeded;
    /// @notice Return or revert data of the last callback.
    bytes public lastCallbackResult;

    constructor() ERC20("Reentrant Callback Token", "RCB") {}

    /// @notice Anyone may mint: test use only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the callback for the next transfer.
    function arm(address target_, bytes calldata data, bool bubble_) external {
        callbackTarget = target_;
        callbackData = data;
        bubble = bubble_;
    }

    /// @dev Moves the tokens, then runs the armed callback (once) on transfers between accounts.
    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address callee = callbackTarget;
        if (callee == address(0) || from == address(0) || to == address(0)) return;
        callbackTarget = address(0);
        callbacks += 1;
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory result) = callee.call(callbackData);
        lastCallbackSucceeded = success;
        lastCallbackResult = result;
        if (!success && bubble) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }
}
