// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";

import {ResponsibilityRegistry} from "../../../contracts/ResponsibilityRegistry.sol";
import {IResponsibilityRegistry} from "../../../contracts/interfaces/IResponsibilityRegistry.sol";
import {TestParameters} from "../utils/TestParameters.sol";
import {MockERC20} from "../../../contracts/mocks/MockERC20.sol";

/// @notice Drives one ResponsibilityRegistry through random sequences of its public actions with
/// a fixed cast (4 nodes, 2 reporters, 2 claimants, 2 beneficiaries, 2 treasuries, 2 arbiters).
///
/// The handler keeps a shadow model of the registry written from the spec (DESIGN.md and the
/// interface's documentation): every failure, bond, credit and total as it should be, plus an
/// independent model of every trace (to build step proofs) and ghost accounting of the money
/// that came in and went out. Each call is first checked against the model (should it succeed?)
/// and, when it succeeds, the model applies the spec's effects; the registry must then match
/// the model. The invariant contract compares the whole registry with the whole model after
/// every call, so any change the spec does not call for (to another failure, another bond, a
/// stranger's credit) shows up as a difference.
///
/// A broken check is recorded in {violations} under the number of the DESIGN.md invariant it
/// belongs to (0: a call succeeded or reverted against the spec); the invariant contract asserts
/// none was recorded. The handler never reverts on a broken check because the runner ignores
/// handler reverts (`failOnRevert: false`).
/// @dev Time is tracked in {currentTime} and re-applied with `vm.warp` at the start of every
/// action; the handler never reads `block.timestamp` (via-IR may reuse a read across a warp).
/// Registry calls cost far more than storage in the test EVM, so the model, not the registry,
/// is read to choose inputs and predict outcomes.
contract RegistryHandler is CommonBase, StdCheats, StdUtils {
    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Types
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @dev What the fuzzer can do; each has a success counter.
    enum Action {
        Bond,
        StartUnbonding,
        WithdrawBond,
        LogStep,
        PinTraceHead,
        ReportFailure,
        ClaimResponsibility,
        ContestByActor,
        ContestByAccountable,
        AssignFallback,
        Compensate,
        ProposeRemedy,
        AcceptRemedy,
        RejectRemedy,
        FinalizeRemedy,
        Enforce,
        RuleValid,
        RuleInvalid,
        RuleRefused,
        ExpireArbitration,
        Warp,
        WarpToDeadline,
        Withdraw,
        SetParameters,
        SetPaused,
        ForceSend,
        ProbeWindows,
        CollectShortfall
    }

    /// @dev One registry call, shared by actions and probes.
    enum Op {
        Claim,
        Contest,
        Fallback,
        Compensate,
        Propose,
        Accept,
        Reject,
        Finalize,
        Enforce,
        Rule,
        Expire,
        Withdraw,
        WithdrawBond
    }

    /// @dev A step as the model remembers it: everything a proof needs.
    struct ModelStep {
        bytes32 previousHead;
        uint8 kind;
        address actor;
        bytes32 inputDigest;
        bytes32 outputDigest;
        bytes32 uriHash;
        uint64 loggedAt;
        bytes32 body;
        bytes32 stepId;
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Errors
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Carries a probe's outcome out of the reverted frame that ran it.
    error RegistryHandlerProbed(bool succeeded);

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Constants
    // ─────────────────────────────────────────────────────────────────────────────────────────

    uint256 public constant ACTION_COUNT = 28;
    uint256 public constant SELECTOR_COUNT = 24;
    uint256 public constant TRACE_COUNT = 3;
    uint256 internal constant ANY_TIME = 0;
    uint256 internal constant BEFORE = 1;
    uint256 internal constant AFTER = 2;
    uint256 internal constant MASK_REPORTED = 1 << 1;
    uint256 internal constant MASK_RESOLVABLE = (1 << 2) | (1 << 3);
    uint256 internal constant MASK_CONTESTED = 1 << 4;
    uint256 internal constant MASK_REMEDY = 1 << 5;
    uint256 internal constant MASK_OPEN = 0x3e;

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // The system and its cast
    // ─────────────────────────────────────────────────────────────────────────────────────────

    ResponsibilityRegistry public immutable registry;
    MockERC20 public immutable token; // address(0): native collateral

    address[] public nodes;
    address[] public reporters;
    address[] public claimants;
    address[] public beneficiaries;
    address[] public treasuries;
    address[] public arbiters;
    /// @notice Every address that can hold a bond or a credit (all of the cast but arbiters).
    address[] public accounts;
    /// @notice Withdrawal recipient and permissionless caller that is not an account.
    address public immutable sink;

    bytes32[TRACE_COUNT] internal _traceIds;

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // The model
    // ─────────────────────────────────────────────────────────────────────────────────────────

    uint256 public currentTime;

    mapping(uint256 failureId => IResponsibilityRegistry.Failure) internal _failures;
    mapping(address operator => IResponsibilityRegistry.OperatorBond) internal _bonds;
    mapping(address account => uint256) public modelCreditOf;
    IResponsibilityRegistry.Totals internal _totals;
    mapping(uint32 version => IResponsibilityRegistry.Parameters) internal _parameters;
    uint32 public modelVersion;
    bool public modelPaused;

    mapping(uint256 trace => ModelStep[]) internal _steps;
    mapping(uint256 trace => uint256[]) internal _pinnedPositions;
    mapping(bytes32 head => bool) internal _pinned;
    mapping(bytes32 stepId => mapping(address reporter => uint256 failureId)) internal _reportedStep;

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Ghosts
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Collateral that arrived through bond, reportFailure and claimResponsibility.
    uint256 public ghostDeposited;
    /// @notice Collateral that left through withdraw.
    uint256 public ghostWithdrawn;
    /// @notice Collateral force-sent to the registry (not a deposit).
    uint256 public ghostForced;
    /// @notice Failures reported, by this handler's count.
    uint256 public ghostFailureCount;

    /// @notice When each failure's claim window ends (its first deadline).
    mapping(uint256 failureId => uint256) public claimDeadlineOf;
    /// @notice Failures in the order they closed, and the state each closed in.
    uint256[] internal _closedIds;
    mapping(uint256 failureId => IResponsibilityRegistry.FailureState) public closedStateOf;

    /// @notice Calls per selector (contest, rule and warp count under their first {Action}).
    uint256[ACTION_COUNT] public attempts;
    /// @notice Successful calls per {Action}.
    uint256[ACTION_COUNT] public successes;

    /// @notice Broken checks by DESIGN.md invariant number (0: a call disagreed with the spec).
    uint256[13] public violations;
    mapping(uint256 invariant => string) public firstViolation;

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Setup
    // ─────────────────────────────────────────────────────────────────────────────────────────

    constructor(bool erc20Collateral) {
        token = erc20Collateral ? new MockERC20("Collateral", "COL", 18) : MockERC20(address(0));
        for (uint256 i; i < 4; ++i) nodes.push(_account(string.concat("node", vm.toString(i))));
        for (uint256 i; i < 2; ++i) {
            reporters.push(_account(string.concat("reporter", vm.toString(i))));
            claimants.push(_account(string.concat("claimant", vm.toString(i))));
            beneficiaries.push(_account(string.concat("beneficiary", vm.toString(i))));
            treasuries.push(_account(string.concat("treasury", vm.toString(i))));
            arbiters.push(makeAddr(string.concat("arbiter", vm.toString(i))));
        }
        sink = makeAddr("sink");
        for (uint256 t; t < TRACE_COUNT; ++t) _traceIds[t] = keccak256(abi.encode("trace", t));

        IResponsibilityRegistry.Parameters memory p = TestParameters.standard(arbiters[0], treasuries[0]);
        registry = new ResponsibilityRegistry(address(token), p, false, 0, address(this));
        _parameters[1] = p;
        modelVersion = 1;
        currentTime = 1_700_000_000;
        vm.warp(currentTime);
    }

    /// @notice The selectors the fuzzer may call (everything else here is a view or a probe).
    /// Contest, rule and warp are one selector each with a mode argument, so the fuzzer spends
    /// its calls evenly over the life cycle; their successes are still counted per {Action}.
    function actionSelectors() external pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](SELECTOR_COUNT);
        selectors[0] = RegistryHandler.bond.selector;
        selectors[1] = RegistryHandler.startUnbonding.selector;
        selectors[2] = RegistryHandler.withdrawBond.selector;
        selectors[3] = RegistryHandler.logStep.selector;
        selectors[4] = RegistryHandler.pinTraceHead.selector;
        selectors[5] = RegistryHandler.reportFailure.selector;
        selectors[6] = RegistryHandler.claimResponsibility.selector;
        selectors[7] = RegistryHandler.contest.selector;
        selectors[8] = RegistryHandler.assignFallback.selector;
        selectors[9] = RegistryHandler.compensate.selector;
        selectors[10] = RegistryHandler.proposeRemedy.selector;
        selectors[11] = RegistryHandler.acceptRemedy.selector;
        selectors[12] = RegistryHandler.rejectRemedy.selector;
        selectors[13] = RegistryHandler.finalizeRemedy.selector;
        selectors[14] = RegistryHandler.enforce.selector;
        selectors[15] = RegistryHandler.rule.selector;
        selectors[16] = RegistryHandler.expireArbitration.selector;
        selectors[17] = RegistryHandler.warp.selector;
        selectors[18] = RegistryHandler.withdraw.selector;
        selectors[19] = RegistryHandler.setParameters.selector;
        selectors[20] = RegistryHandler.setPaused.selector;
        selectors[21] = RegistryHandler.forceSend.selector;
        selectors[22] = RegistryHandler.probeWindows.selector;
        selectors[23] = RegistryHandler.collectShortfall.selector;
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Actions: bonds
    // ─────────────────────────────────────────────────────────────────────────────────────────

    function bond(uint256 nodeSeed, uint256 amount) external act(Action.Bond) {
        if (_bondFor(nodes[nodeSeed % nodes.length], _bound(amount, 1, 10 ether))) _success(Action.Bond);
    }

    /// @dev Bonds `amount` for `node` and follows it in the model; false if the call reverted.
    function _bondFor(address node, uint256 amount) internal returns (bool) {
        uint256 value = _fund(node, amount);
        vm.prank(node);
        try registry.bond{value: value}(amount) {} catch {
            _violate(0, "bond reverted");
            return false;
        }
        ghostDeposited += amount;
        _bonds[node].amount += uint128(amount);
        _totals.bonded += amount;
        return true;
    }

    /// @notice collectShortfall: on an open, bond-backed failure with a shortfall (half the time
    /// after its actor topped up its bond, so there is something to lock), or on any id. The
    /// spec: it moves min(shortfall, bond) from the actor's bond into the failure's collateral,
    /// and reverts when that is zero or the failure is not open and bond-backed.
    function collectShortfall(uint256 idSeed, uint256 topUp) external act(Action.CollectShortfall) {
        uint256 n = ghostFailureCount;
        if (n == 0) return;
        uint256 id = _bound(idSeed, 1, n);
        for (uint256 k; k < n && idSeed % 8 != 0; ++k) {
            uint256 candidate = ((idSeed + k) % n) + 1;
            IResponsibilityRegistry.Failure storage c = _failures[candidate];
            if (_collectable(c) && c.shortfall > 0) {
                id = candidate;
                break;
            }
        }
        IResponsibilityRegistry.Failure storage f = _failures[id];
        if (_collectable(f) && f.shortfall > 0 && topUp % 2 == 0) _bondFor(f.actor, _bound(topUp, 1, f.shortfall));
        IResponsibilityRegistry.OperatorBond storage b = _bonds[f.actor];
        uint128 amount = _collectable(f) ? (f.shortfall < b.amount ? f.shortfall : b.amount) : 0;

        vm.prank(sink);
        bool ok;
        try registry.collectShortfall(id) returns (uint256 collected) {
            ok = true;
            if (collected != amount) _violate(6, "collectShortfall moved another amount than the spec");
        } catch {}
        if (ok != (amount > 0)) {
            _violate(
                6,
                ok
                    ? "collectShortfall succeeded against the spec"
                    : "collectShortfall reverted though the spec allows it"
            );
        }
        if (!ok || amount == 0) return;
        _success(Action.CollectShortfall);
        _collectInModel(f);
        if (keccak256(abi.encode(registry.failure(id))) != keccak256(abi.encode(f))) {
            _violate(6, "failure differs from the spec after collectShortfall");
        }
    }

    /// @dev Open and backed by the actor's bond: the states in which a shortfall can be collected.
    function _collectable(IResponsibilityRegistry.Failure storage f) internal view returns (bool) {
        IResponsibilityRegistry.FailureState st = f.state;
        bool open =
            st == IResponsibilityRegistry.FailureState.Assigned ||
                st == IResponsibilityRegistry.FailureState.Contested ||
                st == IResponsibilityRegistry.FailureState.RemedyProposed;
        return open && f.collateralFromBond;
    }

    function startUnbonding(uint256 nodeSeed, uint256 amount) external act(Action.StartUnbonding) {
        address node = nodes[nodeSeed % nodes.length];
        IResponsibilityRegistry.OperatorBond storage b = _bonds[node];
        uint256 active = b.amount > b.unbonding ? b.amount - b.unbonding : 0;
        // Mostly within the active bond; one call in eight asks for one more than it holds.
        amount = amount % 8 == 0 ? active + 1 : _bound(amount, 1, active == 0 ? 1 : active);
        bool expected = amount <= active;
        vm.prank(node);
        try registry.startUnbonding(amount) {
            _success(Action.StartUnbonding);
        } catch {
            if (expected) _violate(0, "startUnbonding within the active bond reverted");
            return;
        }
        if (!expected) {
            _violate(0, "startUnbonding above the active bond succeeded");
            return;
        }
        b.unbonding += uint128(amount);
        b.unbondableAt = uint40(currentTime + _parameters[modelVersion].unbondingDelay);
        // Invariant 10: the delay runs from this call.
        if (registry.bondOf(node).unbondableAt != b.unbondableAt) {
            _violate(10, "startUnbonding: unbondableAt is not now + unbondingDelay");
        }
    }

    function withdrawBond(uint256 nodeSeed) external act(Action.WithdrawBond) {
        // Prefer a node that may withdraw; one call in four tries any node (it may have to revert).
        address node = nodes[nodeSeed % nodes.length];
        if (nodeSeed % 4 != 0) {
            for (uint256 k; k < nodes.length; ++k) {
                address candidate = nodes[(nodeSeed + k) % nodes.length];
                if (_mayWithdrawBond(candidate)) {
                    node = candidate;
                    break;
                }
            }
        }
        IResponsibilityRegistry.OperatorBond memory b = _bonds[node];
        bool expected = _mayWithdrawBond(node);
        vm.prank(node);
        try registry.withdrawBond() {
            _success(Action.WithdrawBond);
        } catch {
            if (expected) _violate(0, string.concat("withdrawBond reverted for ", vm.toString(node)));
            return;
        }
        // Invariant 10: a bond leaves only with no open failures, after its delay.
        if (b.openFailures != 0) {
            _violate(10, "withdrawBond succeeded with open failures");
            return;
        }
        if (currentTime < b.unbondableAt) {
            _violate(10, "withdrawBond succeeded before unbondableAt");
            return;
        }
        if (b.unbonding == 0) {
            _violate(10, "withdrawBond succeeded with nothing unbonding");
            return;
        }
        // What slashing left of the unbonding part leaves; the rest of the bond stays.
        uint128 released = b.unbonding < b.amount ? b.unbonding : b.amount;
        _bonds[node].unbonding = 0;
        _bonds[node].amount -= released;
        _totals.bonded -= released;
        _credit(node, released);
        if (registry.creditOf(node) != modelCreditOf[node]) _violate(10, "withdrawBond credited a wrong amount");
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Actions: the trace
    // ─────────────────────────────────────────────────────────────────────────────────────────

    function logStep(uint256 nodeSeed, uint256 traceSeed, uint256 dataSeed) external act(Action.LogStep) {
        _logStep(nodes[nodeSeed % nodes.length], traceSeed % TRACE_COUNT, dataSeed);
    }

    function pinTraceHead(uint256 traceSeed) external act(Action.PinTraceHead) {
        uint256 t = traceSeed % TRACE_COUNT;
        uint256 length = _steps[t].length;
        if (length == 0) return;
        try registry.pinTraceHead(_traceIds[t]) returns (bytes32 head) {
            _success(Action.PinTraceHead);
            if (head != _steps[t][length - 1].stepId) _violate(0, "pinTraceHead pinned another head");
            if (!_pinned[head]) {
                _pinned[head] = true;
                _pinnedPositions[t].push(length - 1);
            }
        } catch {
            _violate(0, "pinTraceHead reverted on a non-empty trace");
        }
    }

    /// @param mode 0-9: proof against the current head; 10-12: against a pinned head;
    /// 13-14: against an older head (reverts unless that head was pinned); 15: a step that was
    /// already reported (must revert).
    function reportFailure(
        uint256 traceSeed,
        uint256 stepSeed,
        uint256 partySeed,
        uint256 compensation,
        uint256 mode
    ) external act(Action.ReportFailure) {
        _report(traceSeed, stepSeed, partySeed, compensation, mode);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Actions: failures
    // ─────────────────────────────────────────────────────────────────────────────────────────

    function claimResponsibility(uint256 idSeed, uint256 claimantSeed) external act(Action.ClaimResponsibility) {
        uint256 id = _pickReported(idSeed);
        // Claimants, and sometimes a node (possibly the accused itself).
        address claimant =
            claimantSeed % 4 == 0
                ? nodes[(claimantSeed >> 8) % nodes.length]
                : claimants[claimantSeed % claimants.length];
        _act(Action.ClaimResponsibility, Op.Claim, id, claimant, 0);
    }

    /// @param mode Even: the accused contests a Reported failure; odd: the accountable party
    /// contests a Claimed or Assigned one.
    function contest(uint256 idSeed, uint256 callerSeed, uint256 mode) external act(Action.ContestByActor) {
        if (mode % 2 == 0) {
            uint256 id = _pickReported(idSeed);
            _act(Action.ContestByActor, Op.Contest, id, _caller(callerSeed, _failures[id].actor), 0);
        } else {
            (uint256 id, IResponsibilityRegistry.Failure memory f) = _pick(idSeed, MASK_RESOLVABLE, BEFORE);
            _act(Action.ContestByAccountable, Op.Contest, id, _caller(callerSeed, f.accountable), 0);
        }
    }

    function assignFallback(uint256 idSeed) external act(Action.AssignFallback) {
        (uint256 id, ) = _pick(idSeed, MASK_REPORTED, AFTER);
        _act(Action.AssignFallback, Op.Fallback, id, sink, 0);
    }

    function compensate(uint256 idSeed, uint256 callerSeed) external act(Action.Compensate) {
        (uint256 id, IResponsibilityRegistry.Failure memory f) = _pick(idSeed, MASK_RESOLVABLE, BEFORE);
        _act(Action.Compensate, Op.Compensate, id, _caller(callerSeed, f.accountable), 0);
    }

    function proposeRemedy(uint256 idSeed, uint256 callerSeed) external act(Action.ProposeRemedy) {
        (uint256 id, IResponsibilityRegistry.Failure memory f) = _pick(idSeed, MASK_RESOLVABLE, BEFORE);
        _act(Action.ProposeRemedy, Op.Propose, id, _caller(callerSeed, f.accountable), 0);
    }

    function acceptRemedy(uint256 idSeed, uint256 callerSeed) external act(Action.AcceptRemedy) {
        (uint256 id, IResponsibilityRegistry.Failure memory f) = _pick(idSeed, MASK_REMEDY, BEFORE);
        _act(Action.AcceptRemedy, Op.Accept, id, _caller(callerSeed, f.beneficiary), 0);
    }

    function rejectRemedy(uint256 idSeed, uint256 callerSeed) external act(Action.RejectRemedy) {
        (uint256 id, IResponsibilityRegistry.Failure memory f) = _pick(idSeed, MASK_REMEDY, BEFORE);
        _act(Action.RejectRemedy, Op.Reject, id, _caller(callerSeed, f.beneficiary), 0);
    }

    function finalizeRemedy(uint256 idSeed) external act(Action.FinalizeRemedy) {
        (uint256 id, ) = _pick(idSeed, MASK_REMEDY, AFTER);
        _act(Action.FinalizeRemedy, Op.Finalize, id, sink, 0);
    }

    /// @dev Half the time from the beneficiary, who alone may close a failure with a shortfall.
    function enforce(uint256 idSeed) external act(Action.Enforce) {
        (uint256 id, IResponsibilityRegistry.Failure memory f) = _pick(idSeed, MASK_RESOLVABLE, AFTER);
        _act(Action.Enforce, Op.Enforce, id, (idSeed >> 200) % 2 == 0 ? f.beneficiary : sink, 0);
    }

    /// @param rulingSeed Picks Valid, Invalid or Refused; one call in sixteen comes from either
    /// arbiter (maybe the wrong one) and one rules None.
    function rule(uint256 idSeed, uint256 callerSeed, uint256 rulingSeed) external act(Action.RuleValid) {
        (uint256 id, IResponsibilityRegistry.Failure memory f) = _pick(idSeed, MASK_CONTESTED, BEFORE);
        uint256 ruling = 1 + (rulingSeed % 3);
        address caller = _parameters[f.parametersVersion].arbiter;
        uint256 arg = ruling;
        if (callerSeed % 16 == 0) caller = arbiters[(callerSeed >> 4) % 2];
        if (callerSeed % 16 == 1) arg = 0;
        _act(Action(uint256(Action.RuleValid) + ruling - 1), Op.Rule, id, caller, arg);
    }

    function expireArbitration(uint256 idSeed) external act(Action.ExpireArbitration) {
        (uint256 id, ) = _pick(idSeed, MASK_CONTESTED, AFTER);
        _act(Action.ExpireArbitration, Op.Expire, id, sink, 0);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Actions: time, money out, admin
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @param mode 0: to one second before, at, or one second after an open failure's deadline
    /// (from `secondsToWarp`); 1-3: forward by up to 12 hours, 3 days, or 20 days (at least 1 hour).
    function warp(uint256 secondsToWarp, uint256 mode) external act(Action.Warp) {
        mode = mode % 4;
        if (mode == 0) {
            (uint256 id, IResponsibilityRegistry.Failure memory f) = _pick(secondsToWarp | 1, MASK_OPEN, BEFORE);
            if (id == 0) return;
            uint256 target = uint256(f.deadline) + ((secondsToWarp >> 8) % 3) - 1;
            if (target <= currentTime) return;
            currentTime = target;
            _success(Action.WarpToDeadline);
        } else {
            currentTime += _bound(secondsToWarp, 1 hours, mode == 1 ? 12 hours : (mode == 2 ? 3 days : 20 days));
            _success(Action.Warp);
        }
        vm.warp(currentTime);
    }

    function _report(
        uint256 traceSeed,
        uint256 stepSeed,
        uint256 partySeed,
        uint256 compensation,
        uint256 mode
    ) internal returns (uint256 id) {
        uint256 t = traceSeed % TRACE_COUNT;
        mode = mode % 16;
        address reporter = _pickReporter(partySeed);
        (bool found, uint256 i) = _pickStep(t, stepSeed, mode == 15, reporter);
        if (!found) {
            if (mode == 15) return 0;
            // Nothing reportable in this trace: log a fresh step to report.
            _logStep(nodes[stepSeed % nodes.length], t, stepSeed);
            if (_steps[t].length == 0) return 0;
            i = _steps[t].length - 1;
        }
        uint256 last = _steps[t].length - 1;
        uint256 headAt = last;
        if (mode >= 10 && mode <= 12) headAt = _pickPinned(t, i, stepSeed >> 128, last);
        if ((mode == 13 || mode == 14) && last > i) headAt = i + ((stepSeed >> 128) % (last - i));

        IResponsibilityRegistry.Parameters storage p = _parameters[modelVersion];
        uint256 asked = _bound(compensation, 1, p.compensationCap);
        // One report in sixteen asks zero or more than the cap (must revert).
        if (partySeed % 16 == 0) asked = compensation % 2 == 0 ? 0 : uint256(p.compensationCap) + 1;
        IResponsibilityRegistry.FailureReport memory report = IResponsibilityRegistry.FailureReport({
            traceId: _traceIds[t],
            beneficiary: _pickBeneficiary(partySeed >> 16, reporter, _steps[t][i].actor),
            compensation: uint128(asked),
            evidenceDigest: keccak256(abi.encode("evidence", partySeed)),
            evidenceUri: "ipfs://evidence"
        });
        id = _submitReport(t, i, headAt, reporter, report);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Actions: money out, admin
    // ─────────────────────────────────────────────────────────────────────────────────────────

    function withdraw(uint256 accountSeed, uint256 recipientSeed) external act(Action.Withdraw) {
        // Prefer an account with credit; one call in eight tries any account (may have none).
        address account = accounts[accountSeed % accounts.length];
        if (accountSeed % 8 != 0) {
            for (uint256 k; k < accounts.length; ++k) {
                address candidate = accounts[(accountSeed + k) % accounts.length];
                if (modelCreditOf[candidate] != 0) {
                    account = candidate;
                    break;
                }
            }
        }
        address to = recipientSeed % 2 == 0 ? account : sink;
        uint256 credit = modelCreditOf[account];
        uint256 registryBefore = _balanceOf(address(registry));
        uint256 recipientBefore = _balanceOf(to);
        vm.prank(account);
        try registry.withdraw(to) returns (uint256 amount) {
            _success(Action.Withdraw);
            if (credit == 0) {
                _violate(0, "withdraw without credit succeeded");
                return;
            }
            if (amount != credit) _violate(12, "withdraw paid a different amount than the credit");
            // Invariant 8: what leaves is exactly the credit, and it reaches the recipient.
            if (_balanceOf(to) != recipientBefore + amount) _violate(8, "withdraw: recipient got a different amount");
            if (_balanceOf(address(registry)) + amount != registryBefore) _violate(8, "withdraw: balance fell wrongly");
        } catch {
            // Invariant 12: a credited address can always withdraw.
            if (credit != 0) _violate(12, string.concat("withdraw reverted for credited ", vm.toString(account)));
            return;
        }
        modelCreditOf[account] = 0;
        _totals.credits -= credit;
        ghostWithdrawn += credit;
    }

    function setParameters(
        uint256 amounts,
        uint256 windows,
        uint256 extraDelay,
        uint256 roles
    ) external act(Action.SetParameters) {
        IResponsibilityRegistry.Parameters memory p;
        p.reporterBond = uint128(_bound(amounts & type(uint64).max, 1, 1 ether));
        p.compensationCap = uint128(_bound(amounts >> 128, 1, 20 ether));
        p.reportWindow = uint32(_bound(uint32(windows), 1 hours, 10 days));
        p.claimWindow = uint32(_bound(uint32(windows >> 32), 1 hours, 5 days));
        p.resolutionWindow = uint32(_bound(uint32(windows >> 64), 1 hours, 5 days));
        p.remedyWindow = uint32(_bound(uint32(windows >> 96), 1 hours, 5 days));
        p.arbitrationTimeout = uint32(_bound(uint32(windows >> 128), 1 hours, 5 days));
        uint256 sum = uint256(p.reportWindow) + p.claimWindow + p.resolutionWindow + p.remedyWindow;
        sum += p.arbitrationTimeout;
        p.unbondingDelay = uint32(sum + _bound(extraDelay, 0, 3 days));
        p.treasuryShareBps = uint16(_bound(roles >> 8, 0, 10_000));
        // The bounds keep the treasury's share from rounding to zero: bond x bps >= 10,000.
        if (p.treasuryShareBps != 0 && uint256(p.reporterBond) * p.treasuryShareBps < 10_000) {
            p.reporterBond = uint128((10_000 + p.treasuryShareBps - 1) / p.treasuryShareBps);
        }
        p.arbiter = arbiters[roles % 2];
        p.treasury = treasuries[(roles >> 1) % 2];
        // One call in sixteen sets an unbonding delay below the windows' sum (must revert).
        bool expected = (roles >> 4) % 16 != 0;
        if (!expected) p.unbondingDelay = uint32(sum - 1);
        try registry.setParameters(p) {
            _success(Action.SetParameters);
        } catch {
            if (expected) _violate(0, "setParameters within bounds reverted");
            return;
        }
        if (!expected) {
            _violate(0, "setParameters out of bounds succeeded");
            return;
        }
        _parameters[++modelVersion] = p;
    }

    function setPaused(uint256 seed) external act(Action.SetPaused) {
        // Paused one time in three, so reports and claims mostly go through.
        bool paused = seed % 3 == 0;
        try registry.setPaused(paused) {
            _success(Action.SetPaused);
            modelPaused = paused;
        } catch {
            _violate(0, "setPaused reverted");
        }
    }

    /// @notice Sends collateral to the registry without calling it (not counted as a deposit).
    function forceSend(uint256 amount) external act(Action.ForceSend) {
        amount = _bound(amount, 1, 1 ether);
        if (address(token) == address(0)) vm.deal(address(registry), address(registry).balance + amount);
        else token.mint(address(registry), amount);
        ghostForced += amount;
        _success(Action.ForceSend);
    }

    /// @notice Invariant 9: at one timestamp (now, or the deadline − 1, the deadline, the
    /// deadline + 1) of an open failure, an in-time transition and its timeout never both
    /// succeed, and (but for a claim while paused) one of each pair always does. Each probe runs
    /// in a reverted frame, so the two outcomes are tried from the same state.
    function probeWindows(uint256 idSeed, uint256 timeSeed) external act(Action.ProbeWindows) {
        (uint256 id, IResponsibilityRegistry.Failure memory f) = _pick(idSeed | 1, MASK_OPEN, ANY_TIME);
        if (id == 0) return;
        uint256 choice = timeSeed % 4;
        uint256 at = choice == 0 ? currentTime : uint256(f.deadline) + choice - 2;
        IResponsibilityRegistry.FailureState state = f.state;
        if (state == IResponsibilityRegistry.FailureState.Reported) {
            bool timeout = _probe(Op.Fallback, id, sink, 0, at);
            _checkPair("claim/fallback", id, at, _probe(Op.Claim, id, claimants[0], 0, at), timeout, !modelPaused);
            _checkPair("contest/fallback", id, at, _probe(Op.Contest, id, f.actor, 0, at), timeout, true);
        } else if (state == IResponsibilityRegistry.FailureState.Contested) {
            bool timeout = _probe(Op.Expire, id, sink, 0, at);
            address arbiter = _parameters[f.parametersVersion].arbiter;
            uint256 ruling = 1 + ((timeSeed >> 8) % 3);
            _checkPair("rule/expire", id, at, _probe(Op.Rule, id, arbiter, ruling, at), timeout, true);
        } else if (state == IResponsibilityRegistry.FailureState.RemedyProposed) {
            bool timeout = _probe(Op.Finalize, id, sink, 0, at);
            _checkPair("accept/finalize", id, at, _probe(Op.Accept, id, f.beneficiary, 0, at), timeout, true);
            _checkPair("reject/finalize", id, at, _probe(Op.Reject, id, f.beneficiary, 0, at), timeout, true);
        } else {
            // The beneficiary may always enforce after the deadline; compensating needs the whole
            // compensation backed, so with a shortfall it may fail at any time.
            bool timeout = _probe(Op.Enforce, id, f.beneficiary, 0, at);
            bool backed = _shortfallAfterCollect(f) == 0;
            _checkPair("compensate/enforce", id, at, _probe(Op.Compensate, id, f.accountable, 0, at), timeout, backed);
            _checkPair("propose/enforce", id, at, _probe(Op.Propose, id, f.accountable, 0, at), timeout, true);
            _checkPair("contest/enforce", id, at, _probe(Op.Contest, id, f.accountable, 0, at), timeout, true);
        }
        _success(Action.ProbeWindows);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Probes (never targeted: they always revert, so they change nothing)
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Runs one registry call at timestamp `at` and reverts with its outcome.
    function probe(Op op, uint256 id, address caller, uint256 arg, uint256 at) external {
        vm.warp(at);
        bool ok = _call(op, id, caller, arg);
        revert RegistryHandlerProbed(ok);
    }

    /// @notice Whether `account` could withdraw its credit now (changes nothing).
    function canWithdraw(address account) external returns (bool) {
        return _probe(Op.Withdraw, 0, account, uint256(uint160(account)), currentTime);
    }

    /// @notice Whether anyone could assign the fallback of failure `id` now (changes nothing).
    function canAssignFallback(uint256 id) external returns (bool) {
        return _probe(Op.Fallback, id, sink, 0, currentTime);
    }

    /// @notice Whether `node` could withdraw its bond now (changes nothing).
    function canWithdrawBond(address node) external returns (bool) {
        return _probe(Op.WithdrawBond, 0, node, 0, currentTime);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Views for the invariant contract
    // ─────────────────────────────────────────────────────────────────────────────────────────

    function accountList() external view returns (address[] memory) {
        return accounts;
    }

    function nodeList() external view returns (address[] memory) {
        return nodes;
    }

    /// @notice The model's failures, by id (index 0 is unused).
    function modelFailures() external view returns (IResponsibilityRegistry.Failure[] memory list) {
        list = new IResponsibilityRegistry.Failure[](ghostFailureCount + 1);
        for (uint256 id = 1; id <= ghostFailureCount; ++id) list[id] = _failures[id];
    }

    /// @notice The model's bond of every account, in {accounts} order.
    function modelBonds() external view returns (IResponsibilityRegistry.OperatorBond[] memory list) {
        list = new IResponsibilityRegistry.OperatorBond[](accounts.length);
        for (uint256 k; k < accounts.length; ++k) list[k] = _bonds[accounts[k]];
    }

    /// @notice The model's credit of every account, in {accounts} order.
    function modelCredits() external view returns (uint256[] memory list) {
        list = new uint256[](accounts.length);
        for (uint256 k; k < accounts.length; ++k) list[k] = modelCreditOf[accounts[k]];
    }

    function modelTotals() external view returns (IResponsibilityRegistry.Totals memory) {
        return _totals;
    }

    /// @notice Closed failures in the order they closed, with the state each closed in.
    function closedFailures() external view returns (uint256[] memory ids, uint8[] memory states) {
        ids = _closedIds;
        states = new uint8[](ids.length);
        for (uint256 k; k < ids.length; ++k) states[k] = uint8(closedStateOf[ids[k]]);
    }

    function collateralBalance() external view returns (uint256) {
        return _balanceOf(address(registry));
    }

    /// @notice Violations of `invariant` and of the spec itself (category 0), with the first
    /// message of each, for one assertion per invariant.
    function violationReport(uint256 invariant) external view returns (uint256 count, string memory message) {
        count = violations[invariant] + (invariant == 0 ? 0 : violations[0]);
        message = string.concat(firstViolation[invariant], " | ", firstViolation[0]);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Internal: calls
    // ─────────────────────────────────────────────────────────────────────────────────────────

    modifier act(Action action) {
        vm.warp(currentTime);
        attempts[uint256(action)] += 1;
        uint256 balanceBefore = _balanceOf(address(registry));
        _;
        // Invariant 8: value leaves only through withdraw.
        if (action != Action.Withdraw && _balanceOf(address(registry)) < balanceBefore) {
            _violate(8, string.concat("registry balance fell during action ", vm.toString(uint256(action))));
        }
    }

    /// @dev Performs `op` as `caller`, funding it when it needs collateral; never reverts.
    function _call(Op op, uint256 id, address caller, uint256 arg) internal returns (bool ok) {
        uint256 value;
        if (op == Op.Claim) value = _fund(caller, _failures[id].compensation);
        vm.prank(caller);
        if (op == Op.Claim) {
            try registry.claimResponsibility{value: value}(id) {
                ok = true;
            } catch {}
        } else if (op == Op.Contest) {
            try registry.contest(id, keccak256("reason"), "ipfs://reason") {
                ok = true;
            } catch {}
        } else if (op == Op.Fallback) {
            try registry.assignFallback(id) {
                ok = true;
            } catch {}
        } else if (op == Op.Compensate) {
            try registry.compensate(id) {
                ok = true;
            } catch {}
        } else if (op == Op.Propose) {
            try registry.proposeRemedy(id, keccak256("remedy"), "ipfs://remedy") {
                ok = true;
            } catch {}
        } else if (op == Op.Accept) {
            try registry.acceptRemedy(id) {
                ok = true;
            } catch {}
        } else {
            ok = _callLater(op, id, arg);
        }
    }

    /// @dev {_call} for the calls that come later in a failure's life, and withdrawals; the
    /// caller is already pranked.
    function _callLater(Op op, uint256 id, uint256 arg) internal returns (bool ok) {
        if (op == Op.Reject) {
            try registry.rejectRemedy(id) {
                ok = true;
            } catch {}
        } else if (op == Op.Finalize) {
            try registry.finalizeRemedy(id) {
                ok = true;
            } catch {}
        } else if (op == Op.Enforce) {
            try registry.enforce(id) {
                ok = true;
            } catch {}
        } else if (op == Op.Rule) {
            try registry.rule(id, IResponsibilityRegistry.Ruling(arg)) {
                ok = true;
            } catch {}
        } else if (op == Op.Expire) {
            try registry.expireArbitration(id) {
                ok = true;
            } catch {}
        } else if (op == Op.Withdraw) {
            try registry.withdraw(address(uint160(arg))) {
                ok = true;
            } catch {}
        } else {
            try registry.withdrawBond() {
                ok = true;
            } catch {}
        }
    }

    /// @dev Runs `op` at `at` in a frame that reverts, and returns whether the call succeeded.
    function _probe(Op op, uint256 id, address caller, uint256 arg, uint256 at) internal returns (bool ok) {
        try this.probe(op, id, caller, arg, at) {
            _violate(0, "probe returned instead of reverting");
        } catch (bytes memory data) {
            if (data.length == 36 && bytes4(data) == RegistryHandlerProbed.selector) {
                uint256 word;
                assembly ("memory-safe") {
                    word := mload(add(data, 36))
                }
                ok = word == 1;
            } else {
                _violate(0, "probe failed outside the registry call");
            }
        }
        vm.warp(currentTime);
    }

    function _checkPair(string memory pair, uint256 id, uint256 at, bool inTime, bool timeout, bool live) internal {
        if (inTime == timeout && (inTime || live)) {
            _violate(
                9,
                string.concat(
                    inTime ? "both succeed: " : "neither succeeds: ",
                    pair,
                    " of failure ",
                    vm.toString(id),
                    " at ",
                    vm.toString(at)
                )
            );
        }
    }

    /// @dev Calls `op` on failure `id`, checks the outcome against the model, and applies the
    /// spec's effects to the model.
    function _act(Action action, Op op, uint256 id, address caller, uint256 arg) internal {
        if (id == 0) return; // nothing to act on
        IResponsibilityRegistry.Failure memory before = _failures[id];
        bool expected = _expectedOk(op, before, caller, arg);
        bool ok = _call(op, id, caller, arg);
        if (ok) _success(action);
        if (ok != expected) {
            _violate(
                op == Op.Fallback ? 6 : (_closed(before.state) ? 4 : 0),
                string.concat(
                    "action ",
                    vm.toString(uint256(action)),
                    " on failure ",
                    vm.toString(id),
                    ok ? " succeeded against the spec" : " reverted though the spec allows it"
                )
            );
        }
        if (!ok || !expected) return; // the model cannot follow an unexpected success
        _apply(op, id, caller, arg);
        IResponsibilityRegistry.Failure storage f = _failures[id];
        if (keccak256(abi.encode(registry.failure(id))) != keccak256(abi.encode(f))) {
            bool locked =
                op == Op.Fallback ||
                    (op == Op.Contest && before.state == IResponsibilityRegistry.FailureState.Reported);
            _violate(
                locked ? 6 : 0,
                string.concat(
                    "failure ",
                    vm.toString(id),
                    " differs from the spec after action ",
                    vm.toString(uint256(action))
                )
            );
        }
        if (_closed(f.state)) {
            _closedIds.push(id);
            closedStateOf[id] = f.state;
            _checkSettlement(id, f);
        }
    }

    /// @dev Invariant 7, right after a settlement: the parties' credits, the accused's bond and
    /// the credits total are what the model gives (the invariant contract then checks everyone).
    function _checkSettlement(uint256 id, IResponsibilityRegistry.Failure storage f) internal {
        address[5] memory parties = [
            f.beneficiary,
            f.reporter,
            f.accountable,
            f.actor,
            _parameters[f.parametersVersion].treasury
        ];
        for (uint256 k; k < 5; ++k) {
            if (registry.creditOf(parties[k]) != modelCreditOf[parties[k]]) {
                _violate(
                    7,
                    string.concat("settlement of ", vm.toString(id), " credited ", vm.toString(parties[k]), " wrongly")
                );
            }
        }
        if (registry.bondOf(f.actor).amount != _bonds[f.actor].amount) {
            _violate(7, string.concat("settlement of ", vm.toString(id), " restored a wrong bond"));
        }
        if (registry.totals().credits != _totals.credits) {
            _violate(7, string.concat("settlement of ", vm.toString(id), " credited someone else"));
        }
    }

    function _logStep(address node, uint256 t, uint256 dataSeed) internal {
        uint256 length = _steps[t].length;
        IResponsibilityRegistry.Step memory step = IResponsibilityRegistry.Step({
            traceId: _traceIds[t],
            kind: uint8(dataSeed % 4),
            inputDigest: keccak256(abi.encode("input", dataSeed, length)),
            outputDigest: keccak256(abi.encode("output", dataSeed, length)),
            uri: (dataSeed >> 8) % 2 == 0 ? "" : "ipfs://step"
        });
        ModelStep memory m;
        m.previousHead = length == 0 ? bytes32(0) : _steps[t][length - 1].stepId;
        m.kind = step.kind;
        m.actor = node;
        m.inputDigest = step.inputDigest;
        m.outputDigest = step.outputDigest;
        m.uriHash = keccak256(bytes(step.uri));
        m.loggedAt = uint64(currentTime);
        m.body = keccak256(
            abi.encode(step.traceId, m.kind, node, m.inputDigest, m.outputDigest, m.uriHash, m.loggedAt)
        );
        m.stepId = keccak256(abi.encode(m.previousHead, m.body));
        vm.prank(node);
        try registry.logStep(step) returns (bytes32 stepId) {
            _success(Action.LogStep);
            if (stepId != m.stepId) _violate(0, "logStep returned a step id the model disagrees with");
            _steps[t].push(m);
        } catch {
            _violate(0, "logStep reverted");
        }
    }

    function _submitReport(
        uint256 t,
        uint256 i,
        uint256 headAt,
        address reporter,
        IResponsibilityRegistry.FailureReport memory report
    ) internal returns (uint256 failureId) {
        ModelStep memory m = _steps[t][i];
        IResponsibilityRegistry.StepProof memory proof = IResponsibilityRegistry.StepProof({
            previousHead: m.previousHead,
            kind: m.kind,
            actor: m.actor,
            inputDigest: m.inputDigest,
            outputDigest: m.outputDigest,
            uriHash: m.uriHash,
            loggedAt: m.loggedAt,
            laterBodyHashes: new bytes32[](headAt - i)
        });
        for (uint256 k = i + 1; k <= headAt; ++k) proof.laterBodyHashes[k - i - 1] = _steps[t][k].body;

        IResponsibilityRegistry.Parameters storage p = _parameters[modelVersion];
        bool proofValid = headAt == _steps[t].length - 1 || _pinned[_steps[t][headAt].stepId];
        bool expected =
            !modelPaused &&
                report.compensation != 0 &&
                report.compensation <= p.compensationCap &&
                proofValid &&
                _reportedStep[m.stepId][reporter] == 0 &&
                currentTime <= uint256(m.loggedAt) + p.reportWindow;

        uint256 value = _fund(reporter, p.reporterBond);
        vm.prank(reporter);
        try registry.reportFailure{value: value}(report, proof) returns (uint256 id) {
            _success(Action.ReportFailure);
            if (!expected) {
                _violate(0, "reportFailure succeeded against the spec");
                return 0;
            }
            _afterReport(id, m, reporter, report);
            failureId = id;
        } catch {
            // Invariant 11: a valid report (fresh or pinned proof) is never blocked.
            if (expected) _violate(11, "reportFailure reverted though the spec allows it");
        }
    }

    function _afterReport(
        uint256 id,
        ModelStep memory m,
        address reporter,
        IResponsibilityRegistry.FailureReport memory report
    ) internal {
        // Invariant 11: ids are sequential and map back to their step.
        if (id != ghostFailureCount + 1) _violate(11, "failure id is not the next id");
        if (registry.failureOfStep(m.stepId, reporter) != id) _violate(11, "failureOfStep does not map back");
        IResponsibilityRegistry.Parameters storage p = _parameters[modelVersion];
        ghostFailureCount = id;
        _reportedStep[m.stepId][reporter] = id;
        claimDeadlineOf[id] = currentTime + p.claimWindow;
        ghostDeposited += p.reporterBond;

        IResponsibilityRegistry.Failure storage f = _failures[id];
        f.traceId = report.traceId;
        f.stepId = m.stepId;
        f.actor = m.actor;
        f.state = IResponsibilityRegistry.FailureState.Reported;
        f.parametersVersion = modelVersion;
        f.reportedAt = uint40(currentTime);
        f.reporter = reporter;
        f.deadline = uint40(currentTime + p.claimWindow);
        f.beneficiary = report.beneficiary;
        f.compensation = report.compensation;
        f.reporterBond = p.reporterBond;
        _bonds[m.actor].openFailures += 1;
        _totals.reporterBonds += p.reporterBond;
        if (keccak256(abi.encode(registry.failure(id))) != keccak256(abi.encode(f))) {
            _violate(0, "reported failure does not hold what was reported");
        }
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Internal: the spec
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Whether the spec allows `op` on `f` by `caller` now.
    function _expectedOk(
        Op op,
        IResponsibilityRegistry.Failure memory f,
        address caller,
        uint256 arg
    ) internal view returns (bool) {
        IResponsibilityRegistry.FailureState st = f.state;
        bool inTime = currentTime <= f.deadline;
        bool reported = st == IResponsibilityRegistry.FailureState.Reported;
        bool resolvable =
            st == IResponsibilityRegistry.FailureState.Claimed || st == IResponsibilityRegistry.FailureState.Assigned;
        bool remedy = st == IResponsibilityRegistry.FailureState.RemedyProposed;
        bool contested = st == IResponsibilityRegistry.FailureState.Contested;
        if (op == Op.Claim) return reported && inTime && !modelPaused;
        if (op == Op.Contest) {
            return inTime && ((reported && caller == f.actor) || (resolvable && caller == f.accountable));
        }
        if (op == Op.Fallback) return reported && !inTime;
        if (op == Op.Compensate) {
            // Paying means paying in full: free bond is locked for the shortfall first.
            return resolvable && inTime && caller == f.accountable && _shortfallAfterCollect(f) == 0;
        }
        if (op == Op.Propose) return resolvable && inTime && caller == f.accountable;
        if (op == Op.Accept || op == Op.Reject) return remedy && inTime && caller == f.beneficiary;
        if (op == Op.Finalize) return remedy && !inTime;
        if (op == Op.Enforce) {
            // With a shortfall left only the beneficiary may close it, until the unbonding delay
            // after the resolution deadline.
            bool mayClose =
                _shortfallAfterCollect(f) == 0 ||
                    caller == f.beneficiary ||
                    currentTime > uint256(f.deadline) + _parameters[f.parametersVersion].unbondingDelay;
            return resolvable && !inTime && mayClose;
        }
        if (op == Op.Rule) {
            return contested && inTime && arg != 0 && caller == _parameters[f.parametersVersion].arbiter;
        }
        return contested && !inTime; // Op.Expire
    }

    /// @dev The spec's effects of a successful `op` on failure `id`, applied to the model.
    function _apply(Op op, uint256 id, address caller, uint256 arg) internal {
        IResponsibilityRegistry.Failure storage f = _failures[id];
        IResponsibilityRegistry.Parameters storage p = _parameters[f.parametersVersion];
        if (op == Op.Claim) {
            f.state = IResponsibilityRegistry.FailureState.Claimed;
            f.accountable = caller;
            f.collateral = f.compensation;
            f.deadline = uint40(currentTime + p.resolutionWindow);
            _totals.staked += f.compensation;
            ghostDeposited += f.compensation;
        } else if (
            op == Op.Fallback || (op == Op.Contest && f.state == IResponsibilityRegistry.FailureState.Reported)
        ) {
            // Invariants 6 and 10: the whole bond, unbonding part included, backs the failure;
            // whatever it cannot cover is the shortfall.
            IResponsibilityRegistry.OperatorBond storage b = _bonds[f.actor];
            uint128 locked = b.amount < f.compensation ? b.amount : f.compensation;
            b.amount -= locked;
            _totals.bonded -= locked;
            _totals.staked += locked;
            f.accountable = f.actor;
            f.collateralFromBond = true;
            f.collateral = locked;
            f.shortfall = f.compensation - locked;
            if (op == Op.Fallback) {
                f.state = IResponsibilityRegistry.FailureState.Assigned;
                f.deadline = uint40(currentTime + p.resolutionWindow);
            } else {
                f.state = IResponsibilityRegistry.FailureState.Contested;
                f.deadline = uint40(currentTime + p.arbitrationTimeout);
            }
        } else if (op == Op.Contest || op == Op.Reject) {
            f.state = IResponsibilityRegistry.FailureState.Contested;
            f.deadline = uint40(currentTime + p.arbitrationTimeout);
        } else if (op == Op.Propose) {
            f.state = IResponsibilityRegistry.FailureState.RemedyProposed;
            f.deadline = uint40(currentTime + p.remedyWindow);
        } else {
            IResponsibilityRegistry.FailureState outcome = _outcome(op, arg);
            bool upheld =
                outcome == IResponsibilityRegistry.FailureState.Compensated ||
                    outcome == IResponsibilityRegistry.FailureState.Enforced ||
                    outcome == IResponsibilityRegistry.FailureState.RuledValid;
            if (upheld) _collectInModel(f);
            _settle(f, p, outcome);
        }
    }

    /// @dev The spec's shortfall collection: min(shortfall, free bond) moves into the collateral
    /// of a bond-backed failure.
    function _collectInModel(IResponsibilityRegistry.Failure storage f) internal returns (uint128 amount) {
        if (!f.collateralFromBond) return 0;
        IResponsibilityRegistry.OperatorBond storage b = _bonds[f.actor];
        amount = f.shortfall < b.amount ? f.shortfall : b.amount;
        b.amount -= amount;
        _totals.bonded -= amount;
        _totals.staked += amount;
        f.collateral += amount;
        f.shortfall -= amount;
    }

    /// @dev The shortfall a settlement would leave after collecting free bond.
    function _shortfallAfterCollect(IResponsibilityRegistry.Failure memory f) internal view returns (uint256) {
        if (!f.collateralFromBond) return f.shortfall;
        uint256 free = _bonds[f.actor].amount;
        return f.shortfall > free ? f.shortfall - free : 0;
    }

    function _outcome(Op op, uint256 arg) internal pure returns (IResponsibilityRegistry.FailureState) {
        if (op == Op.Compensate) return IResponsibilityRegistry.FailureState.Compensated;
        if (op == Op.Enforce) return IResponsibilityRegistry.FailureState.Enforced;
        if (op == Op.Accept || op == Op.Finalize) return IResponsibilityRegistry.FailureState.Remedied;
        if (op == Op.Rule && arg == uint256(IResponsibilityRegistry.Ruling.Valid)) {
            return IResponsibilityRegistry.FailureState.RuledValid;
        }
        if (op == Op.Rule && arg == uint256(IResponsibilityRegistry.Ruling.Invalid)) {
            return IResponsibilityRegistry.FailureState.RuledInvalid;
        }
        return IResponsibilityRegistry.FailureState.Drawn; // Refused, or the arbitration timed out
    }

    /// @dev Invariant 7 — what a settlement pays, per DESIGN.md: upheld → the collateral to the
    /// beneficiary and the reporter's bond back; remedied or drawn → the collateral back to the
    /// accountable party (to its bond if it was locked from it) and the reporter's bond back;
    /// invalid → the collateral back and the reporter's bond to the accused, less the treasury's
    /// share. Nothing else moves: reporter bond + collateral leave the open totals exactly.
    function _settle(
        IResponsibilityRegistry.Failure storage f,
        IResponsibilityRegistry.Parameters storage p,
        IResponsibilityRegistry.FailureState outcome
    ) internal {
        f.state = outcome;
        _bonds[f.actor].openFailures -= 1;
        _totals.reporterBonds -= f.reporterBond;
        _totals.staked -= f.collateral;
        if (
            outcome == IResponsibilityRegistry.FailureState.Compensated ||
            outcome == IResponsibilityRegistry.FailureState.Enforced ||
            outcome == IResponsibilityRegistry.FailureState.RuledValid
        ) {
            _credit(f.beneficiary, f.collateral);
            _credit(f.reporter, f.reporterBond);
            return;
        }
        if (f.collateralFromBond) {
            _bonds[f.accountable].amount += f.collateral;
            _totals.bonded += f.collateral;
        } else {
            _credit(f.accountable, f.collateral);
        }
        if (outcome == IResponsibilityRegistry.FailureState.RuledInvalid) {
            uint256 share = (uint256(f.reporterBond) * p.treasuryShareBps) / 10_000;
            _credit(f.actor, f.reporterBond - share);
            _credit(p.treasury, share);
        } else {
            _credit(f.reporter, f.reporterBond);
        }
    }

    function _credit(address account, uint256 amount) internal {
        modelCreditOf[account] += amount;
        _totals.credits += amount;
    }

    function _mayWithdrawBond(address node) internal view returns (bool) {
        IResponsibilityRegistry.OperatorBond storage b = _bonds[node];
        return b.unbonding != 0 && currentTime >= b.unbondableAt && b.openFailures == 0;
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Internal: choosing
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @dev A failure whose state is in `mask` and whose deadline is ahead (BEFORE) or passed
    /// (AFTER); 0 if there is none. One call in eight takes any id in 1..count+1 instead (the
    /// last one unknown), to try invalid targets.
    function _pick(
        uint256 seed,
        uint256 mask,
        uint256 timing
    ) internal view returns (uint256 id, IResponsibilityRegistry.Failure memory f) {
        uint256 n = ghostFailureCount;
        if (n == 0) return (0, f);
        if (seed % 8 == 0) {
            id = _bound(seed >> 8, 1, n + 1);
            return (id, _failures[id]);
        }
        uint256 start = (seed >> 8) % n;
        for (uint256 k; k < n; ++k) {
            uint256 candidate = ((start + k) % n) + 1;
            IResponsibilityRegistry.Failure storage c = _failures[candidate];
            if ((mask >> uint8(c.state)) & 1 == 0) continue;
            if (timing == BEFORE && currentTime > c.deadline) continue;
            if (timing == AFTER && currentTime <= c.deadline) continue;
            return (candidate, c);
        }
        return (0, f);
    }

    /// @dev A Reported failure in its claim window; when there is none, a fresh report (so the
    /// claim and the accused's contest are not starved). One call in eight: any id.
    function _pickReported(uint256 seed) internal returns (uint256 id) {
        (id, ) = _pick(seed, MASK_REPORTED, BEFORE);
        if (id == 0) id = _report(seed, seed >> 32, seed >> 64, seed >> 96, 0);
    }

    /// @dev A step of trace `t` that `reporter` has not reported and that is still in its report
    /// window (or, when `reportedOne`, one it already reported), searching from `seed`.
    function _pickStep(
        uint256 t,
        uint256 seed,
        bool reportedOne,
        address reporter
    ) internal view returns (bool, uint256) {
        uint256 length = _steps[t].length;
        uint256 window = _parameters[modelVersion].reportWindow;
        for (uint256 k; k < length; ++k) {
            uint256 i = (seed + k) % length;
            ModelStep storage m = _steps[t][i];
            bool reported = _reportedStep[m.stepId][reporter] != 0;
            if (reportedOne ? reported : (!reported && currentTime <= uint256(m.loggedAt) + window)) return (true, i);
        }
        return (false, 0);
    }

    /// @dev A pinned head at or after step `i`, or the current head if there is none.
    function _pickPinned(uint256 t, uint256 i, uint256 seed, uint256 last) internal view returns (uint256) {
        uint256[] storage pinned = _pinnedPositions[t];
        for (uint256 k; k < pinned.length; ++k) {
            uint256 position = pinned[(seed + k) % pinned.length];
            if (position >= i) return position;
        }
        return last;
    }

    /// @dev Usually a reporter; sometimes a node (possibly reporting its own step).
    function _pickReporter(uint256 seed) internal view returns (address) {
        return seed % 4 == 3 ? nodes[(seed >> 4) % nodes.length] : reporters[seed % reporters.length];
    }

    /// @dev Usually a beneficiary; sometimes the reporter or the accused itself.
    function _pickBeneficiary(uint256 seed, address reporter, address actor) internal view returns (address) {
        uint256 choice = seed % 6;
        if (choice == 4) return reporter;
        if (choice == 5) return actor;
        return beneficiaries[choice % beneficiaries.length];
    }

    /// @dev Usually `right`; one call in eight a random account instead.
    function _caller(uint256 seed, address right) internal view returns (address) {
        if (seed % 8 == 0) return accounts[(seed >> 8) % accounts.length];
        return right == address(0) ? sink : right;
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Internal: helpers
    // ─────────────────────────────────────────────────────────────────────────────────────────

    function _account(string memory name) internal returns (address account) {
        account = makeAddr(name);
        accounts.push(account);
    }

    /// @dev Gives `who` `amount` of collateral, approved to the registry; returns the value to send.
    function _fund(address who, uint256 amount) internal returns (uint256 value) {
        if (address(token) == address(0)) {
            vm.deal(who, who.balance + amount);
            return amount;
        }
        token.mint(who, amount);
        vm.prank(who);
        token.approve(address(registry), amount);
    }

    function _balanceOf(address who) internal view returns (uint256) {
        return address(token) == address(0) ? who.balance : token.balanceOf(who);
    }

    function _closed(IResponsibilityRegistry.FailureState state) internal pure returns (bool) {
        return uint8(state) >= uint8(IResponsibilityRegistry.FailureState.Compensated);
    }

    function _success(Action action) internal {
        successes[uint256(action)] += 1;
    }

    function _violate(uint256 invariant, string memory what) internal {
        violations[invariant] += 1;
        if (bytes(firstViolation[invariant]).length == 0) firstViolation[invariant] = what;
    }
}
