// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnTransferToken — an ERC-20 that burns a fee from every transfer
/// @notice The recipient of a transfer between accounts receives `value - fee`, where
/// fee = value * feeBps / 10_000; the fee is burned. 10_000 bps delivers nothing at all.
contract FeeOnTransferToken is ERC20 {
    /// @notice The fee above 100 %.
    error FeeOnTransferTokenFeeTooHigh(uint256 feeBps);

    /// @notice Fee in basis points of each transfer.
    uint256 public immutable feeBps;

    constructor(uint256 feeBps_) ERC20("Fee On Transfer Token", "FOT") {
        if (feeBps_ > 10_000) revert FeeOnTransferTokenFeeTooHigh(feeBps_);
        feeBps = feeBps_;
    }

    /// @notice Anyone may mint: test use only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @dev Burns the fee from the sender, then moves the rest.
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = (value * feeBps) / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
