// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {ResponsibilityRegistry} from "../../contracts/ResponsibilityRegistry.sol";
import {IResponsibilityRegistry} from "../../contracts/interfaces/IResponsibilityRegistry.sol";
import {TestParameters} from "./utils/TestParameters.sol";

/// @notice Fuzz tests of the money math: the treasury split of a forfeited reporter bond, the
/// fallback's lock and shortfall, and the credits of every outcome, for any amounts.
contract AccountabilityFuzzTest is Test {
    /// @dev How a fuzzed failure ends.
    enum Path {
        Compensate,
        AcceptRemedy,
        FinalizeRemedy,
        Enforce,
        ContestRuledValid,
        RejectRemedyRuledValid,
        ContestRuledInvalid,
        ContestRefused,
        ContestExpired
    }

    uint128 internal constant MAX_AMOUNT = 1e36;
    bytes32 internal constant TRACE = keccak256("trace");

    ResponsibilityRegistry internal registry;
    IResponsibilityRegistry.Parameters internal params;

    address internal node = makeAddr("node");
    address internal reporter = makeAddr("reporter");
    address internal claimant = makeAddr("claimant");
    address internal beneficiary = makeAddr("beneficiary");
    address internal arbiter = makeAddr("arbiter");
    address internal treasury = makeAddr("treasury");

    /// @dev Tracked here, not read back: via-IR may reuse a block.timestamp read across vm.warp.
    uint256 internal timestamp = 1_700_000_000;

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Tests
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice A report ruled invalid splits the reporter's bond between the accused and the
    /// treasury, to the wei, for any bond and share; the collateral goes back where it came from.
    function testFuzz_treasuryShareSplitSumsExactly(
        uint128 reporterBond,
        uint16 bps,
        uint128 bondAmount,
        uint128 compensation,
        bool claimed
    ) public {
        bps = uint16(_bound(bps, 0, 10_000));
        // The smallest bond the bounds allow: bond x bps >= 10,000, so the share never rounds to 0.
        reporterBond = uint128(_bound(reporterBond, bps == 0 ? 1 : (10_000 + bps - 1) / bps, MAX_AMOUNT));
        bondAmount = uint128(_bound(bondAmount, 0, MAX_AMOUNT));
        compensation = uint128(_bound(compensation, 1, MAX_AMOUNT));
        _deploy(reporterBond, bps);
        _bond(bondAmount);
        uint256 id = _reportFailure(compensation);
        if (claimed) {
            _claim(id);
            vm.prank(claimant);
        } else {
            vm.prank(node);
        }
        registry.contest(id, keccak256("grounds"), "");
        vm.prank(arbiter);
        registry.rule(id, IResponsibilityRegistry.Ruling.Invalid);

        uint256 share = (uint256(reporterBond) * bps) / 10_000;
        assertEq(registry.creditOf(treasury), share, "treasury share");
        assertEq(registry.creditOf(node), uint256(reporterBond) - share, "award to the accused");
        assertEq(registry.creditOf(node) + registry.creditOf(treasury), reporterBond, "split sums to the bond");
        assertEq(registry.creditOf(reporter), 0, "reporter forfeits");
        assertEq(registry.creditOf(claimant), claimed ? compensation : 0, "stake returned");
        assertEq(registry.bondOf(node).amount, bondAmount, "bond restored");
        assertEq(registry.ledgerOf(reporter).reporterBondsForfeited, reporterBond, "ledger: forfeited");
        _assertSettledAndConserved();
    }

    /// @notice The fallback locks min(bond, compensation) from the whole bond (its unbonding
    /// part included) and records the rest as the shortfall: lock + shortfall == compensation.
    /// Enforcing then pays exactly the lock and records exactly the shortfall.
    function testFuzz_fallbackLockPlusShortfallEqualsCompensation(
        uint128 bondAmount,
        uint128 unbonding,
        uint128 compensation
    ) public {
        bondAmount = uint128(_bound(bondAmount, 0, MAX_AMOUNT));
        unbonding = uint128(_bound(unbonding, 0, bondAmount));
        compensation = uint128(_bound(compensation, 1, MAX_AMOUNT));
        _deploy(1e16, 1000);
        _bond(bondAmount);
        if (unbonding != 0) {
            vm.prank(node);
            registry.startUnbonding(unbonding);
        }
        uint256 id = _reportFailure(compensation);
        _warpBy(params.claimWindow + 1);
        registry.assignFallback(id);

        IResponsibilityRegistry.Failure memory f = registry.failure(id);
        uint256 locked = bondAmount < compensation ? bondAmount : compensation;
        assertEq(uint8(f.state), uint8(IResponsibilityRegistry.FailureState.Assigned), "state");
        assertEq(f.accountable, node, "accountable");
        assertTrue(f.collateralFromBond, "locked from the bond");
        assertEq(f.collateral, locked, "lock");
        assertEq(f.shortfall, compensation - locked, "shortfall");
        assertEq(uint256(f.collateral) + f.shortfall, compensation, "lock + shortfall == compensation");
        assertEq(registry.bondOf(node).amount, bondAmount - locked, "bond after lock");
        assertEq(registry.bondOf(node).unbonding, unbonding, "unbonding part untouched (still slashable)");
        assertEq(registry.totals().staked, locked, "staked");
        assertEq(registry.totals().bonded, bondAmount - locked, "bonded");

        _warpBy(params.resolutionWindow + 1);
        vm.prank(beneficiary); // with a shortfall only the beneficiary may close it
        registry.enforce(id);
        assertEq(registry.creditOf(beneficiary), locked, "beneficiary paid the lock");
        IResponsibilityRegistry.Ledger memory ledger = registry.ledgerOf(node);
        assertEq(ledger.amountSlashed, locked, "ledger: slashed");
        assertEq(ledger.unbackedShortfall, compensation - locked, "ledger: shortfall");
        assertEq(ledger.failuresDefaulted, 1, "ledger: defaulted");
        _assertSettledAndConserved();
    }

    /// @notice Every way a failure can end credits exactly what DESIGN.md says: upheld →
    /// collateral to the beneficiary, reporter bond back; remedied or drawn → collateral back to
    /// its owner (claimant's credits or the node's bond), reporter bond back; invalid →
    /// collateral back, reporter bond to the accused less the treasury share. Nothing else moves.
    function testFuzz_outcomeCreditsExactlyWhatDesignSays(
        uint8 pathSeed,
        bool claimed,
        uint128 bondAmount,
        uint128 compensation,
        uint128 reporterBond,
        uint16 bps
    ) public {
        Path path = Path(_bound(pathSeed, 0, uint256(type(Path).max)));
        bondAmount = uint128(_bound(bondAmount, 0, MAX_AMOUNT));
        compensation = uint128(_bound(compensation, 1, MAX_AMOUNT));
        bps = uint16(_bound(bps, 0, 10_000));
        // The smallest bond the bounds allow: bond x bps >= 10,000, so the share never rounds to 0.
        reporterBond = uint128(_bound(reporterBond, bps == 0 ? 1 : (10_000 + bps - 1) / bps, MAX_AMOUNT));
        _deploy(reporterBond, bps);
        _bond(bondAmount);
        uint256 id = _reportFailure(compensation);
        if (claimed) {
            _claim(id);
        } else {
            _warpBy(params.claimWindow + 1);
            registry.assignFallback(id);
        }
        address accountable = claimed ? claimant : node;
        uint256 collateral = registry.failure(id).collateral;
        IResponsibilityRegistry.FailureState outcome = _run(path, id, accountable);

        bool upheld =
            outcome == IResponsibilityRegistry.FailureState.Compensated ||
                outcome == IResponsibilityRegistry.FailureState.Enforced ||
                outcome == IResponsibilityRegistry.FailureState.RuledValid;
        bool invalid = outcome == IResponsibilityRegistry.FailureState.RuledInvalid;
        uint256 share = invalid ? (uint256(reporterBond) * bps) / 10_000 : 0;
        uint256 award = invalid ? reporterBond - share : 0;
        uint256 returned = upheld ? 0 : collateral;

        assertEq(uint8(registry.failure(id).state), uint8(outcome), "outcome");
        assertEq(registry.creditOf(beneficiary), upheld ? collateral : 0, "beneficiary");
        assertEq(registry.creditOf(reporter), invalid ? 0 : reporterBond, "reporter");
        assertEq(registry.creditOf(claimant), claimed ? returned : 0, "claimant");
        assertEq(registry.creditOf(node), award, "accused node's credit");
        assertEq(registry.creditOf(treasury), share, "treasury");
        assertEq(registry.creditOf(arbiter), 0, "arbiter");
        uint256 bondAfter = claimed ? bondAmount : bondAmount - collateral + returned;
        assertEq(registry.bondOf(node).amount, bondAfter, "accused node's bond");
        assertEq(registry.bondOf(node).openFailures, 0, "open failures");
        // Settlement moved reporter bond + collateral exactly: into credits, or back into the bond.
        uint256 credited = registry.totals().credits;
        uint256 restored = claimed ? 0 : returned;
        assertEq(credited + restored, uint256(reporterBond) + collateral, "moved == reporter bond + collateral");
        _assertSettledAndConserved();
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Helpers
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Compensates if the whole compensation is backed; otherwise checks that compensating
    /// reverts with ShortfallOutstanding (paying means paying in full) and returns false.
    function _compensateInFull(uint256 id, address accountable) internal returns (bool) {
        uint256 shortfall = registry.failure(id).shortfall;
        vm.prank(accountable);
        if (shortfall == 0) {
            registry.compensate(id);
            return true;
        }
        vm.expectRevert(abi.encodeWithSelector(IResponsibilityRegistry.ShortfallOutstanding.selector, id, shortfall));
        registry.compensate(id);
        return false;
    }

    /// @dev Drives an accountable failure to its end along `path`; returns the expected state.
    function _run(Path path, uint256 id, address accountable) internal returns (IResponsibilityRegistry.FailureState) {
        if (path == Path.Compensate) {
            if (_compensateInFull(id, accountable)) return IResponsibilityRegistry.FailureState.Compensated;
            path = Path.Enforce; // the beneficiary closes it instead
        }
        if (path == Path.Enforce) {
            _warpBy(params.resolutionWindow + 1);
            vm.prank(beneficiary);
            registry.enforce(id);
            return IResponsibilityRegistry.FailureState.Enforced;
        }
        if (path == Path.AcceptRemedy || path == Path.FinalizeRemedy || path == Path.RejectRemedyRuledValid) {
            vm.prank(accountable);
            registry.proposeRemedy(id, keccak256("remedy"), "");
            if (path == Path.AcceptRemedy) {
                vm.prank(beneficiary);
                registry.acceptRemedy(id);
                return IResponsibilityRegistry.FailureState.Remedied;
            }
            if (path == Path.FinalizeRemedy) {
                _warpBy(params.remedyWindow + 1);
                registry.finalizeRemedy(id);
                return IResponsibilityRegistry.FailureState.Remedied;
            }
            vm.prank(beneficiary);
            registry.rejectRemedy(id);
        } else {
            vm.prank(accountable);
            registry.contest(id, keccak256("grounds"), "");
        }
        if (path == Path.ContestExpired) {
            _warpBy(params.arbitrationTimeout + 1);
            registry.expireArbitration(id);
            return IResponsibilityRegistry.FailureState.Drawn;
        }
        IResponsibilityRegistry.Ruling ruling =
            path == Path.ContestRuledInvalid
                ? IResponsibilityRegistry.Ruling.Invalid
                : (
                    path == Path.ContestRefused
                        ? IResponsibilityRegistry.Ruling.Refused
                        : IResponsibilityRegistry.Ruling.Valid
                );
        vm.prank(arbiter);
        registry.rule(id, ruling);
        if (ruling == IResponsibilityRegistry.Ruling.Valid) return IResponsibilityRegistry.FailureState.RuledValid;
        if (ruling == IResponsibilityRegistry.Ruling.Invalid) return IResponsibilityRegistry.FailureState.RuledInvalid;
        return IResponsibilityRegistry.FailureState.Drawn;
    }

    function _deploy(uint128 reporterBond, uint16 bps) internal {
        IResponsibilityRegistry.Parameters memory p = TestParameters.standard(arbiter, treasury);
        p.reporterBond = reporterBond;
        p.compensationCap = MAX_AMOUNT;
        p.treasuryShareBps = bps;
        params = p;
        registry = new ResponsibilityRegistry(address(0), params, false, 0, address(this));
        vm.warp(timestamp);
    }

    function _bond(uint128 amount) internal {
        if (amount == 0) return;
        vm.deal(node, amount);
        vm.prank(node);
        registry.bond{value: amount}(amount);
    }

    /// @dev Logs one step as the node and reports it; returns the failure id.
    function _reportFailure(uint128 compensation) internal returns (uint256 id) {
        IResponsibilityRegistry.Step memory step = IResponsibilityRegistry.Step({
            traceId: TRACE,
            kind: uint8(IResponsibilityRegistry.StepKind.Compute),
            inputDigest: keccak256("input"),
            outputDigest: keccak256("output"),
            uri: ""
        });
        vm.prank(node);
        registry.logStep(step);
        IResponsibilityRegistry.StepProof memory proof = IResponsibilityRegistry.StepProof({
            previousHead: bytes32(0),
            kind: step.kind,
            actor: node,
            inputDigest: step.inputDigest,
            outputDigest: step.outputDigest,
            uriHash: keccak256(""),
            loggedAt: uint64(timestamp),
            laterBodyHashes: new bytes32[](0)
        });
        IResponsibilityRegistry.FailureReport memory report = IResponsibilityRegistry.FailureReport({
            traceId: TRACE,
            beneficiary: beneficiary,
            compensation: compensation,
            evidenceDigest: keccak256("evidence"),
            evidenceUri: ""
        });
        vm.deal(reporter, params.reporterBond);
        vm.prank(reporter);
        id = registry.reportFailure{value: params.reporterBond}(report, proof);
    }

    function _claim(uint256 id) internal {
        uint256 stake = registry.failure(id).compensation;
        vm.deal(claimant, stake);
        vm.prank(claimant);
        registry.claimResponsibility{value: stake}(id);
    }

    function _warpBy(uint256 seconds_) internal {
        timestamp += seconds_;
        vm.warp(timestamp);
    }

    /// @dev Nothing is left open, and the registry holds exactly what it owes.
    function _assertSettledAndConserved() internal view {
        IResponsibilityRegistry.Totals memory t = registry.totals();
        assertEq(t.staked, 0, "staked left");
        assertEq(t.reporterBonds, 0, "reporter bonds left");
        assertEq(address(registry).balance, t.bonded + t.credits, "balance == bonded + credits");
    }
}
