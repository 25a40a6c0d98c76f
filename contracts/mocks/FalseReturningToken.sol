// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FalseReturningToken — an ERC-20 that can fail by returning false instead of reverting
/// @notice While `failing` is set, `transfer` and `transferFrom` move nothing and return false.
contract FalseReturningToken is ERC20 {
    /// @notice Whether transfers currently fail (return false).
    bool public failing;

    constructor() ERC20("False Returning Token", "FRT") {}

    /// @notice Anyone may mint: test use only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Turns the failure mode on or off.
    function setFailing(bool failing_) external {
        failing = failing_;
    }

    /// @inheritdoc ERC20
    function transfer(address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transfer(to, value);
    }

    /// @inheritdoc ERC20
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transferFrom(from, to, value);
    }
}
