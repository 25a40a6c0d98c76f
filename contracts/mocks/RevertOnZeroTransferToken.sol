// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title RevertOnZeroTransferToken — an ERC-20 that refuses transfers of zero (like LEND)
contract RevertOnZeroTransferToken is ERC20 {
    /// @notice A transfer of zero tokens from `from` to `to`.
    error RevertOnZeroTransferTokenZeroAmount(address from, address to);

    constructor() ERC20("Revert On Zero Transfer Token", "ROZ") {}

    /// @notice Anyone may mint: test use only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @dev Reverts on any zero-value movement, mints and burns included.
    function _update(address from, address to, uint256 value) internal override {
        if (value == 0) revert RevertOnZeroTransferTokenZeroAmount(from, to);
        super._update(from, to, value);
    }
}
