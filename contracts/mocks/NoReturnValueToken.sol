// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title NoReturnValueToken — an ERC-20 whose transfer functions return nothing (like USDT)
/// @notice Deliberately does not implement IERC20: `transfer`, `transferFrom` and `approve`
/// return no value, which a plain IERC20 call would fail to decode; SafeERC20 accepts it.
contract NoReturnValueToken {
    /// @notice The sender's balance is too low.
    error NoReturnValueTokenInsufficientBalance(address account, uint256 balance, uint256 needed);
    /// @notice The spender's allowance is too low.
    error NoReturnValueTokenInsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    function name() external pure returns (string memory) {
        return "No Return Value Token";
    }

    function symbol() external pure returns (string memory) {
        return "NRV";
    }

    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @notice Anyone may mint: test use only.
    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    /// @notice Sets an allowance; returns nothing.
    function approve(address spender, uint256 amount) external {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
    }

    /// @notice Moves tokens from the caller; returns nothing.
    function transfer(address to, uint256 amount) external {
        _move(msg.sender, to, amount);
    }

    /// @notice Moves tokens with an allowance; returns nothing.
    function transferFrom(address from, address to, uint256 amount) external {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed < amount) revert NoReturnValueTokenInsufficientAllowance(from, msg.sender, allowed, amount);
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - amount;
        _move(from, to, amount);
    }

    function _move(address from, address to, uint256 amount) private {
        uint256 balance = balanceOf[from];
        if (balance < amount) revert NoReturnValueTokenInsufficientBalance(from, balance, amount);
        balanceOf[from] = balance - amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}
