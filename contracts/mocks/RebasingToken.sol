// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title RebasingToken — an ERC-20 whose balances all scale with a rebase (like stETH, AMPL)
/// @notice Accounts hold shares; a balance is shares * index / 1e18. {rebase} changes the index,
/// so every holder's balance grows or shrinks at once without any transfer.
contract RebasingToken {
    /// @notice The sender's balance is too low.
    error RebasingTokenInsufficientBalance(address account, uint256 balance, uint256 needed);
    /// @notice The spender's allowance is too low.
    error RebasingTokenInsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);
    /// @notice A zero index would wipe every balance.
    error RebasingTokenZeroIndex();

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    uint256 private constant _ONE = 1e18;

    /// @notice Balance per share, scaled by 1e18 (starts at 1:1).
    uint256 public index = _ONE;
    uint256 private _totalShares;
    mapping(address account => uint256) private _shares;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    function name() external pure returns (string memory) {
        return "Rebasing Token";
    }

    function symbol() external pure returns (string memory) {
        return "RBT";
    }

    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @notice Anyone may mint: test use only.
    function mint(address to, uint256 amount) external {
        uint256 shares = (amount * _ONE) / index;
        _totalShares += shares;
        _shares[to] += shares;
        emit Transfer(address(0), to, amount);
    }

    /// @notice Scales every balance: the new index is `newIndex` (1e18 = the original 1:1).
    function rebase(uint256 newIndex) external {
        if (newIndex == 0) revert RebasingTokenZeroIndex();
        index = newIndex;
    }

    function totalSupply() external view returns (uint256) {
        return (_totalShares * index) / _ONE;
    }

    function balanceOf(address account) public view returns (uint256) {
        return (_shares[account] * index) / _ONE;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed < amount) revert RebasingTokenInsufficientAllowance(from, msg.sender, allowed, amount);
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - amount;
        _move(from, to, amount);
        return true;
    }

    /// @dev Moves the shares worth `amount` (rounded down); callers use amounts the index divides.
    function _move(address from, address to, uint256 amount) private {
        uint256 balance = balanceOf(from);
        if (balance < amount) revert RebasingTokenInsufficientBalance(from, balance, amount);
        uint256 shares = (amount * _ONE) / index;
        _shares[from] -= shares;
        _shares[to] += shares;
        emit Transfer(from, to, amount);
    }
}
