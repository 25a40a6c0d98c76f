// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {ResponsibilityRegistry} from "../../../contracts/ResponsibilityRegistry.sol";
import {IResponsibilityRegistry} from "../../../contracts/interfaces/IResponsibilityRegistry.sol";
import {RegistryHandler} from "./RegistryHandler.sol";

/// @notice DESIGN.md invariants 1–12, asserted after every call of random sequences driven by
/// {RegistryHandler}. Invariants about single transitions (5, 7, 8, 9 and parts of the others)
/// are checked by the handler as each call happens and recorded in `violations`; the state
/// invariants are recomputed here from the registry's views.
abstract contract RegistryInvariantsBase is Test {
    RegistryHandler internal handler;
    ResponsibilityRegistry internal registry;

    /// @dev Whether the registry under test uses an ERC-20 (true) or the native currency.
    function _erc20Collateral() internal pure virtual returns (bool);

    function setUp() public {
        handler = new RegistryHandler(_erc20Collateral());
        registry = handler.registry();
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: handler.actionSelectors()}));
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Invariants (each also fails on any call the handler saw disagree with the spec)
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Invariant 1 — solvency: the registry holds at least what it owes (bonds,
    /// reporter bonds, stakes, credits); exactly that plus what was force-sent to it.
    function invariant_01_solvency() public view {
        uint256 balance = handler.collateralBalance();
        uint256 owed = _liabilities(registry.totals());
        assertGe(balance, owed, "balance below liabilities");
        assertEq(balance, owed + handler.ghostForced(), "balance != liabilities + force-sent");
        _assertNoViolation(1);
    }

    /// @notice Invariant 2 — conservation: deposited − withdrawn == liabilities, exactly (nothing
    /// is burned; force-sent collateral is not a deposit).
    function invariant_02_conservation() public view {
        uint256 owed = _liabilities(registry.totals());
        assertEq(handler.ghostDeposited() - handler.ghostWithdrawn(), owed, "deposited - withdrawn != liabilities");
        _assertNoViolation(2);
    }

    /// @notice Invariant 3 — aggregates equal the sum of their parts, all read from the registry:
    /// bonded == Σ bonds, credits == Σ credits, staked == Σ collateral of open failures,
    /// reporterBonds == Σ reporter bonds of open failures, and each node's openFailures == the
    /// open failures against its steps. The totals also equal the spec model's.
    function invariant_03_aggregates() public view {
        IResponsibilityRegistry.Totals memory totals = registry.totals();
        address[] memory accounts = handler.accountList();
        uint256 bonded;
        uint256 credits;
        uint256[] memory openFailures = new uint256[](accounts.length);
        for (uint256 k; k < accounts.length; ++k) {
            IResponsibilityRegistry.OperatorBond memory b = registry.bondOf(accounts[k]);
            bonded += b.amount;
            openFailures[k] = b.openFailures;
            credits += registry.creditOf(accounts[k]);
        }
        assertEq(totals.bonded, bonded, "bonded != sum of bonds");
        assertEq(totals.credits, credits, "credits != sum of credits");

        uint256 staked;
        uint256 reporterBonds;
        uint256 count = registry.failureCount();
        for (uint256 id = 1; id <= count; ++id) {
            IResponsibilityRegistry.Failure memory f = registry.failure(id);
            if (!_open(f.state)) continue;
            staked += f.collateral;
            reporterBonds += f.reporterBond;
            uint256 k = _indexOf(accounts, f.actor);
            assertGt(openFailures[k], 0, "open failure not counted against its actor");
            openFailures[k] -= 1;
        }
        assertEq(totals.staked, staked, "staked != sum of open collateral");
        assertEq(totals.reporterBonds, reporterBonds, "reporterBonds != sum of open reporter bonds");
        for (uint256 k; k < accounts.length; ++k) assertEq(openFailures[k], 0, "openFailures above open failures");

        IResponsibilityRegistry.Totals memory model = handler.modelTotals();
        assertEq(keccak256(abi.encode(totals)), keccak256(abi.encode(model)), "totals != spec model");
        _assertNoViolation(3);
    }

    /// @notice Invariant 4 — closed is final and pays once: every failure that closed is still
    /// in the state it closed in, closed exactly once, and every closed failure in the registry
    /// was seen closing; no action ever succeeded on a closed failure (handler).
    function invariant_04_closedIsFinal() public view {
        (uint256[] memory ids, uint8[] memory states) = handler.closedFailures();
        uint256 count = registry.failureCount();
        bool[] memory seen = new bool[](count + 1);
        for (uint256 k; k < ids.length; ++k) {
            assertFalse(seen[ids[k]], "failure closed twice");
            seen[ids[k]] = true;
            assertEq(uint8(registry.failure(ids[k]).state), states[k], "closed failure changed state");
        }
        for (uint256 id = 1; id <= count; ++id) {
            if (_closed(registry.failure(id).state)) assertTrue(seen[id], "failure closed without a closing action");
        }
        _assertNoViolation(4);
    }

    /// @notice Invariant 5 — non-interference: every failure and every bond in the registry is
    /// exactly what the spec model predicts. The model changes only the failure an action names
    /// and (fallback, contest, release) the accused node's bond, so a change to any other
    /// failure or bond shows up here.
    function invariant_05_nonInterference() public view {
        IResponsibilityRegistry.Failure[] memory model = handler.modelFailures();
        assertEq(registry.failureCount() + 1, model.length, "failure count != model");
        for (uint256 id = 1; id < model.length; ++id) {
            assertEq(
                keccak256(abi.encode(registry.failure(id))),
                keccak256(abi.encode(model[id])),
                string.concat("failure differs from the spec model: ", vm.toString(id))
            );
        }
        address[] memory accounts = handler.accountList();
        IResponsibilityRegistry.OperatorBond[] memory bonds = handler.modelBonds();
        for (uint256 k; k < accounts.length; ++k) {
            assertEq(
                keccak256(abi.encode(registry.bondOf(accounts[k]))),
                keccak256(abi.encode(bonds[k])),
                string.concat("bond differs from the spec model: ", vm.toString(accounts[k]))
            );
        }
        _assertNoViolation(5);
    }

    /// @notice Invariant 6 — nothing dropped: an open failure past its claim deadline is either
    /// still Reported, and then anyone can assign the fallback right now, or has an accountable
    /// address whose locked collateral plus recorded shortfall equals the compensation (checked
    /// for every accountable failure, before the claim deadline too).
    function invariant_06_nothingDropped() public {
        uint256 count = registry.failureCount();
        uint256 now_ = handler.currentTime();
        for (uint256 id = 1; id <= count; ++id) {
            IResponsibilityRegistry.Failure memory f = registry.failure(id);
            if (!_open(f.state)) continue;
            if (f.state == IResponsibilityRegistry.FailureState.Reported) {
                assertEq(f.accountable, address(0), "Reported failure has an accountable party");
                if (now_ > handler.claimDeadlineOf(id)) assertTrue(handler.canAssignFallback(id), "fallback refused");
            } else {
                assertTrue(f.accountable != address(0), "open failure without an accountable address");
                assertEq(uint256(f.collateral) + f.shortfall, f.compensation, "collateral + shortfall != compensation");
            }
        }
        _assertNoViolation(6);
    }

    /// @notice Invariant 7 — settlement moves exactly reporter bond + collateral, only into the
    /// credits of the beneficiary, reporter, accountable party, accused node or treasury (or back
    /// into the accused's bond), as DESIGN.md gives per outcome: every account's credit equals
    /// the spec model's, and the credits total equals theirs (so no stranger was credited). The
    /// handler also checks the parties right after each settlement.
    function invariant_07_settlementMovesOnlyItsOwnMoney() public view {
        address[] memory accounts = handler.accountList();
        uint256[] memory credits = handler.modelCredits();
        uint256 sum;
        for (uint256 k; k < accounts.length; ++k) {
            assertEq(
                registry.creditOf(accounts[k]),
                credits[k],
                string.concat("credit != model: ", vm.toString(accounts[k]))
            );
            sum += credits[k];
        }
        assertEq(registry.totals().credits, sum, "credited outside the cast");
        _assertNoViolation(7);
    }

    /// @notice Invariant 8 — value leaves only through withdraw: the registry's balance never
    /// fell during any other action, and a withdrawal moved exactly the credit to the recipient
    /// (handler); the balance is exactly deposits − withdrawals + force-sent.
    function invariant_08_valueLeavesOnlyThroughWithdraw() public view {
        uint256 expected = handler.ghostDeposited() - handler.ghostWithdrawn() + handler.ghostForced();
        assertEq(handler.collateralBalance(), expected, "balance != deposits - withdrawals + forced");
        _assertNoViolation(8);
    }

    /// @notice Invariant 9 — windows are disjoint: for a probed open failure at now, deadline − 1,
    /// deadline and deadline + 1, an in-time transition (claim, contest, compensate, propose,
    /// accept, reject, rule) and its timeout (fallback, enforce, finalize, expire) never both
    /// succeed, and one of them always does (handler, in reverted frames from the same state).
    function invariant_09_windowsDisjoint() public view {
        _assertNoViolation(9);
    }

    /// @notice Invariant 10 — bonds: withdrawBond succeeds exactly when something is unbonding,
    /// the delay has passed and the node has no open failures; the delay runs from the last
    /// startUnbonding; unbonding bonds stay slashable (the model locks from the whole bond).
    function invariant_10_bondsLeaveOnlyWhenFree() public {
        address[] memory nodes = handler.nodeList();
        uint256 now_ = handler.currentTime();
        for (uint256 k; k < nodes.length; ++k) {
            IResponsibilityRegistry.OperatorBond memory b = registry.bondOf(nodes[k]);
            bool allowed = b.unbonding != 0 && b.openFailures == 0 && now_ >= b.unbondableAt;
            assertEq(handler.canWithdrawBond(nodes[k]), allowed, "withdrawBond allowed != spec");
        }
        _assertNoViolation(10);
    }

    /// @notice Invariant 11 — ids are unique and sequential: failureCount is the number of
    /// successful reports, every id up to it exists and maps back from its step, the next does
    /// not exist; a valid report (fresh or pinned proof) was never blocked (handler).
    function invariant_11_idsUniqueAndSequential() public view {
        uint256 count = registry.failureCount();
        assertEq(count, handler.ghostFailureCount(), "failureCount != successful reports");
        for (uint256 id = 1; id <= count; ++id) {
            IResponsibilityRegistry.Failure memory f = registry.failure(id);
            assertTrue(f.state != IResponsibilityRegistry.FailureState.None, "missing id");
            assertEq(registry.failureOfStep(f.stepId, f.reporter), id, "failureOfStep does not map back");
        }
        assertEq(uint8(registry.failure(count + 1).state), 0, "an id beyond failureCount exists");
        _assertNoViolation(11);
    }

    /// @notice Invariant 12 — views never revert for existing ids or any account, and every
    /// credited account can withdraw right now.
    function invariant_12_viewsAndWithdrawals() public {
        uint256 count = registry.failureCount();
        for (uint256 id; id <= count + 1; ++id) {
            try registry.failure(id) returns (IResponsibilityRegistry.Failure memory) {} catch {
                fail();
            }
        }
        address[] memory accounts = handler.accountList();
        for (uint256 k; k <= accounts.length; ++k) {
            address account = k == accounts.length ? address(0) : accounts[k];
            try registry.ledgerOf(account) returns (IResponsibilityRegistry.Ledger memory) {} catch {
                fail();
            }
            try registry.bondOf(account) returns (IResponsibilityRegistry.OperatorBond memory) {} catch {
                fail();
            }
            try registry.creditOf(account) returns (uint256 credit) {
                if (credit != 0) assertTrue(handler.canWithdraw(account), "credited account cannot withdraw");
            } catch {
                fail();
            }
        }
        (, uint32 version) = registry.parameters();
        for (uint32 v; v <= version + 1; ++v) {
            try registry.parametersAt(v) returns (IResponsibilityRegistry.Parameters memory) {} catch {
                fail();
            }
        }
        try registry.totals() returns (IResponsibilityRegistry.Totals memory) {} catch {
            fail();
        }
        _assertNoViolation(12);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Reachability: a long deterministic walk must make every action succeed at least once
    // ─────────────────────────────────────────────────────────────────────────────────────────

    function test_randomWalkReachesEveryAction() public {
        for (uint256 i; i < 1000; ++i) {
            uint256 r = uint256(keccak256(abi.encode("walk", i)));
            _dispatch(r % handler.SELECTOR_COUNT(), keccak256(abi.encode(r, 1)), keccak256(abi.encode(r, 2)));
        }
        invariant_01_solvency();
        invariant_02_conservation();
        invariant_03_aggregates();
        invariant_04_closedIsFinal();
        invariant_05_nonInterference();
        invariant_06_nothingDropped();
        invariant_07_settlementMovesOnlyItsOwnMoney();
        invariant_08_valueLeavesOnlyThroughWithdraw();
        invariant_09_windowsDisjoint();
        invariant_10_bondsLeaveOnlyWhenFree();
        invariant_11_idsUniqueAndSequential();
        invariant_12_viewsAndWithdrawals();
        for (uint256 k; k < handler.ACTION_COUNT(); ++k) {
            emit log_named_uint(_actionName(k), handler.successes(k));
            assertGt(handler.successes(k), 0, string.concat("never succeeded: ", _actionName(k)));
        }
        emit log_named_uint("failures reported", registry.failureCount());
        (uint256[] memory closedIds, ) = handler.closedFailures();
        emit log_named_uint("failures closed", closedIds.length);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Helpers
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Calls the handler's selector number `selector` (see {RegistryHandler.actionSelectors}).
    function _dispatch(uint256 selector, bytes32 x, bytes32 y) internal {
        uint256 a = uint256(x);
        uint256 b = uint256(y);
        uint256 c = uint256(keccak256(abi.encode(x)));
        uint256 d = uint256(keccak256(abi.encode(y)));
        if (selector == 0) handler.bond(a, b);
        else if (selector == 1) handler.startUnbonding(a, b);
        else if (selector == 2) handler.withdrawBond(a);
        else if (selector == 3) handler.logStep(a, b, c);
        else if (selector == 4) handler.pinTraceHead(a);
        else if (selector == 5) handler.reportFailure(a, b, c, d, a >> 128);
        else if (selector == 6) handler.claimResponsibility(a, b);
        else if (selector == 7) handler.contest(a, b, c);
        else if (selector == 8) handler.assignFallback(a);
        else if (selector == 9) handler.compensate(a, b);
        else if (selector == 10) handler.proposeRemedy(a, b);
        else if (selector == 11) handler.acceptRemedy(a, b);
        else if (selector == 12) handler.rejectRemedy(a, b);
        else if (selector == 13) handler.finalizeRemedy(a);
        else if (selector == 14) handler.enforce(a);
        else if (selector == 15) handler.rule(a, b, c);
        else if (selector == 16) handler.expireArbitration(a);
        else if (selector == 17) handler.warp(a, b);
        else if (selector == 18) handler.withdraw(a, b);
        else if (selector == 19) handler.setParameters(a, b, c, d);
        else if (selector == 20) handler.setPaused(a);
        else if (selector == 21) handler.forceSend(a);
        else if (selector == 22) handler.probeWindows(a, b);
        else handler.collectShortfall(a, b);
    }

    function _actionName(uint256 action) internal pure returns (string memory) {
        string[28] memory names = [
            "bond",
            "startUnbonding",
            "withdrawBond",
            "logStep",
            "pinTraceHead",
            "reportFailure",
            "claimResponsibility",
            "contestByActor",
            "contestByAccountable",
            "assignFallback",
            "compensate",
            "proposeRemedy",
            "acceptRemedy",
            "rejectRemedy",
            "finalizeRemedy",
            "enforce",
            "ruleValid",
            "ruleInvalid",
            "ruleRefused",
            "expireArbitration",
            "warp",
            "warpToDeadline",
            "withdraw",
            "setParameters",
            "setPaused",
            "forceSend",
            "probeWindows",
            "collectShortfall"
        ];
        return names[action];
    }

    function _assertNoViolation(uint256 invariant) internal view {
        (uint256 count, string memory message) = handler.violationReport(invariant);
        assertEq(count, 0, message);
    }

    function _liabilities(IResponsibilityRegistry.Totals memory t) internal pure returns (uint256) {
        return t.bonded + t.reporterBonds + t.staked + t.credits;
    }

    function _indexOf(address[] memory list, address account) internal pure returns (uint256) {
        for (uint256 k; k < list.length; ++k) if (list[k] == account) return k;
        revert RegistryInvariantsUnknownActor(account);
    }

    function _open(IResponsibilityRegistry.FailureState state) internal pure returns (bool) {
        return
            state != IResponsibilityRegistry.FailureState.None &&
            uint8(state) < uint8(IResponsibilityRegistry.FailureState.Compensated);
    }

    function _closed(IResponsibilityRegistry.FailureState state) internal pure returns (bool) {
        return uint8(state) >= uint8(IResponsibilityRegistry.FailureState.Compensated);
    }

    /// @notice A failure names an actor outside the handler's cast.
    error RegistryInvariantsUnknownActor(address actor);
}

/// @notice The invariants with the native currency as collateral.
contract RegistryInvariantsNativeTest is RegistryInvariantsBase {
    function _erc20Collateral() internal pure override returns (bool) {
        return false;
    }
}

/// @notice The invariants with an ERC-20 (MockERC20) as collateral.
contract RegistryInvariantsERC20Test is RegistryInvariantsBase {
    function _erc20Collateral() internal pure override returns (bool) {
        return true;
    }
}
