// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IResponsibilityRegistry} from "./interfaces/IResponsibilityRegistry.sol";
import {StepHashing} from "./libraries/StepHashing.sol";

/// @title ResponsibilityRegistry — Onus
/// @notice See {IResponsibilityRegistry}.
/// @dev Storage holds only what the contract reads back later (trace heads, failures, bonds,
/// credits, the ledger); everything else is emitted. The logging hot path reads one packed
/// config word and reads and writes one trace head.
contract ResponsibilityRegistry is IResponsibilityRegistry, Ownable2Step, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Types
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Read on every report and claim, and on every log of a gated deployment, so it is one word.
    /// Layout: [0..127] minimumOperatorBond | [128..159] parametersVersion | [160..167] paused.
    struct Config {
        uint128 minimumOperatorBond;
        uint32 parametersVersion;
        bool paused;
    }

    /// @dev What the contract owes; the sum is what it must hold (invariants 1–3).
    /// Layout: slot 0 = bonded | reporterBonds, slot 1 = staked | credits.
    struct Liabilities {
        uint128 bonded;
        uint128 reporterBonds;
        uint128 staked;
        uint128 credits;
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Constants and immutables
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IResponsibilityRegistry
    uint256 public constant MAX_BATCH_SIZE = 256;

    /// @notice Hard bounds on the windows (seconds).
    uint256 public constant MIN_WINDOW = 1 hours;
    uint256 public constant MAX_WINDOW = 90 days;
    uint256 public constant MAX_REPORT_WINDOW = 365 days;
    uint256 public constant MAX_UNBONDING_DELAY = 730 days;
    uint256 public constant MAX_BPS = 10_000;

    /// @dev EIP-712 type hashes of a signed group of steps.
    bytes32 private constant _STEP_TYPEHASH = keccak256(
        "Step(bytes32 traceId,uint8 kind,bytes32 inputDigest,bytes32 outputDigest,string uri)"
    );
    bytes32 private constant _LOG_STEPS_TYPEHASH = keccak256(
        "LogSteps(address actor,Step[] steps,uint256 nonce,uint64 deadline)"
        "Step(bytes32 traceId,uint8 kind,bytes32 inputDigest,bytes32 outputDigest,string uri)"
    );

    /// @dev The collateral asset; address(0) is the native currency.
    IERC20 private immutable _collateralToken;

    /// @dev Fixed at deployment. Open (false): logging reads no storage besides the trace head,
    /// and cannot be paused. Gated (true): every logging call reads the config word (pause and
    /// minimum operator bond), which costs a cold SLOAD (2,100 gas) per transaction.
    bool private immutable _gatedLogging;

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Storage
    // ─────────────────────────────────────────────────────────────────────────────────────────

    Config private _config;
    Liabilities private _liabilities;

    /// @dev The only per-step storage: each trace's running head, read by the next step and by
    /// reports proving a step against it.
    mapping(bytes32 traceId => bytes32 head) private _traceHeads;
    /// @dev Heads anyone pinned, so a report cannot be blocked by steps appended ahead of it.
    mapping(bytes32 traceId => mapping(bytes32 head => bool)) private _pinnedHeads;
    mapping(address signer => uint256) private _nonces;

    mapping(uint32 version => Parameters) private _parameters;
    mapping(address operator => OperatorBond) private _bonds;

    uint256 private _failureCount;
    mapping(uint256 failureId => Failure) private _failures;
    /// @dev One report per step and reporter: a reporter cannot repeat itself, and nobody can
    /// pre-empt the affected party's own report with a decoy.
    mapping(bytes32 stepId => mapping(address reporter => uint256 failureId)) private _failureOfStep;

    mapping(address account => uint256) private _credits;
    mapping(address account => Ledger) private _ledgers;

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Constructor
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @param collateralToken_ The ERC-20 used as collateral, or address(0) for the native currency.
    /// @param initialParameters Version 1 of the parameters (checked against the hard bounds).
    /// @param gatedLogging_ Whether logging checks the pause flag and the minimum operator bond.
    /// @param initialMinimumOperatorBond Smallest active bond an operator may hold; in a gated
    /// deployment also the active bond needed to log steps (0 = anyone may log).
    /// @param initialOwner The admin (two-step ownership).
    constructor(
        address collateralToken_,
        Parameters memory initialParameters,
        bool gatedLogging_,
        uint128 initialMinimumOperatorBond,
        address initialOwner
    ) Ownable(initialOwner) EIP712("Onus ResponsibilityRegistry", "1") {
        if (collateralToken_ != address(0) && collateralToken_.code.length == 0) {
            revert InvalidCollateralToken(collateralToken_);
        }
        _collateralToken = IERC20(collateralToken_);
        _gatedLogging = gatedLogging_;
        _setParameters(initialParameters);
        _config.minimumOperatorBond = initialMinimumOperatorBond;
        emit MinimumOperatorBondUpdated(0, initialMinimumOperatorBond);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Trace
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IResponsibilityRegistry
    function logStep(Step calldata step) external returns (bytes32 stepId) {
        if (_gatedLogging) _checkCanLog(_checkNotPaused(), msg.sender);
        stepId = _appendStep(msg.sender, step, StepHashing.hashUri(step.uri), 0);
    }

    /// @inheritdoc IResponsibilityRegistry
    function logSteps(Step[] calldata steps) external returns (bytes32[] memory stepIds) {
        uint256 count = steps.length;
        _checkBatchSize(count);
        if (_gatedLogging) _checkCanLog(_checkNotPaused(), msg.sender);
        stepIds = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            stepIds[i] = _appendStep(msg.sender, steps[i], StepHashing.hashUri(steps[i].uri), i);
        }
    }

    /// @inheritdoc IResponsibilityRegistry
    function logSignedSteps(SignedSteps[] calldata batches) external returns (bytes32[] memory stepIds) {
        uint256 total;
        for (uint256 g; g < batches.length; ++g) {
            uint256 size = batches[g].steps.length;
            if (size == 0) revert EmptyBatch();
            total += size;
        }
        _checkBatchSize(total);
        bool gated = _gatedLogging;
        Config memory config;
        if (gated) config = _checkNotPaused();

        stepIds = new bytes32[](total);
        uint256 index;
        uint256 logged;
        for (uint256 g; g < batches.length; ++g) {
            SignedSteps calldata batch = batches[g];
            address actor = batch.actor;
            // Checks for the whole group (signature, nonce, deadline, bond), then effects.
            (bytes32[] memory uriHashes, bool fresh) = _useSignature(batch);
            if (!fresh) {
                // Already used: someone submitted this very signature first, or the signer
                // cancelled it. Skip it rather than fail the other signers' groups.
                emit SignedStepsSkipped(actor, batch.nonce);
                index += uriHashes.length;
                continue;
            }
            if (gated) _checkCanLog(config, actor);
            for (uint256 i; i < uriHashes.length; ++i) {
                stepIds[index] = _appendStep(actor, batch.steps[i], uriHashes[i], index);
                ++index;
            }
            ++logged;
        }
        // Nothing new at all: a plain replay.
        if (logged == 0) revert InvalidNonce(batches[0].actor, _nonces[batches[0].actor], batches[0].nonce);
    }

    /// @inheritdoc IResponsibilityRegistry
    function increaseNonce(uint256 newNonce) external {
        uint256 oldNonce = _nonces[msg.sender];
        if (newNonce <= oldNonce) revert NonceNotIncreased(msg.sender, oldNonce, newNonce);
        _nonces[msg.sender] = newNonce;
        emit NonceIncreased(msg.sender, oldNonce, newNonce);
    }

    /// @inheritdoc IResponsibilityRegistry
    function pinTraceHead(bytes32 traceId) external returns (bytes32 head) {
        head = _traceHeads[traceId];
        if (head == bytes32(0)) revert EmptyTrace(traceId);
        _pinnedHeads[traceId][head] = true;
        emit TraceHeadPinned(traceId, head, msg.sender);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Operator bonds
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IResponsibilityRegistry
    function bond(uint256 amount) external payable nonReentrant {
        if (amount == 0) revert ZeroAmount();
        OperatorBond storage operatorBond = _bonds[msg.sender];
        uint128 newAmount = (operatorBond.amount + amount).toUint128();
        uint256 minimum = _config.minimumOperatorBond;
        uint256 unbonding = operatorBond.unbonding;
        uint256 newActive = newAmount > unbonding ? newAmount - unbonding : 0;
        if (newActive < minimum) revert BondBelowMinimum(newActive, minimum);

        operatorBond.amount = newAmount;
        _liabilities.bonded += uint128(amount); // bounded by newAmount above
        emit Bonded(msg.sender, amount, newAmount);

        _receiveCollateral(amount);
    }

    /// @inheritdoc IResponsibilityRegistry
    function startUnbonding(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        OperatorBond storage operatorBond = _bonds[msg.sender];
        uint256 available = _activeBond(operatorBond);
        if (amount > available) revert UnbondingExceedsBond(msg.sender, amount, available);

        uint128 unbonding = operatorBond.unbonding + uint128(amount); // amount <= available < 2^128
        uint40 unbondableAt = _now() + _parameters[_config.parametersVersion].unbondingDelay;
        operatorBond.unbonding = unbonding;
        operatorBond.unbondableAt = unbondableAt;
        emit UnbondingStarted(msg.sender, amount, unbonding, unbondableAt);
    }

    /// @inheritdoc IResponsibilityRegistry
    function withdrawBond() external nonReentrant {
        OperatorBond storage operatorBond = _bonds[msg.sender];
        uint256 unbonding = operatorBond.unbonding;
        if (unbonding == 0) revert NothingUnbonding(msg.sender);
        if (block.timestamp < operatorBond.unbondableAt) {
            revert UnbondingNotReady(msg.sender, operatorBond.unbondableAt, block.timestamp);
        }
        if (operatorBond.openFailures != 0) revert OpenFailures(msg.sender, operatorBond.openFailures);

        // Slashing may have taken part of the unbonding amount; only what is left leaves.
        uint128 amount = uint128(_min(unbonding, operatorBond.amount));
        operatorBond.unbonding = 0;
        operatorBond.amount -= amount;
        _liabilities.bonded -= amount;
        emit BondWithdrawn(msg.sender, amount);
        if (amount != 0) _credit(msg.sender, 0, CreditReason.BondWithdrawn, amount);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Failures
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IResponsibilityRegistry
    function reportFailure(
        FailureReport calldata report,
        StepProof calldata proof
    ) external payable nonReentrant returns (uint256 failureId) {
        uint32 version = _checkNotPaused().parametersVersion;
        Parameters storage params = _parameters[version];
        bytes32 stepId = _checkReport(report, proof, params);

        failureId = ++_failureCount;
        _failureOfStep[stepId][msg.sender] = failureId;
        Failure storage f = _failures[failureId];
        f.traceId = report.traceId;
        f.stepId = stepId;
        f.actor = proof.actor;
        f.state = FailureState.Reported;
        f.parametersVersion = version;
        f.reportedAt = _now();
        f.reporter = msg.sender;
        f.deadline = _now() + params.claimWindow;
        f.beneficiary = report.beneficiary;
        f.compensation = report.compensation;
        f.reporterBond = params.reporterBond;

        _bonds[proof.actor].openFailures += 1;
        _liabilities.reporterBonds += f.reporterBond;
        _ledgers[proof.actor].failuresAttributed += 1;
        _ledgers[msg.sender].failuresReported += 1;
        _emitFailureReported(failureId, f, report);

        _receiveCollateral(f.reporterBond);
    }

    /// @inheritdoc IResponsibilityRegistry
    function claimResponsibility(uint256 failureId) external payable nonReentrant {
        _checkNotPaused();
        Failure storage f = _existingFailure(failureId);
        if (f.state != FailureState.Reported) revert FailureNotClaimable(failureId, f.state);
        _checkBeforeDeadline(failureId, f);

        uint128 stake = f.compensation;
        uint40 resolutionDeadline = _now() + _parameters[f.parametersVersion].resolutionWindow;
        f.state = FailureState.Claimed;
        f.accountable = msg.sender;
        f.collateral = stake;
        f.deadline = resolutionDeadline;
        _liabilities.staked += stake;
        _ledgers[msg.sender].failuresClaimed += 1;
        emit ResponsibilityClaimed(failureId, msg.sender, stake, resolutionDeadline);

        _receiveCollateral(stake);
    }

    /// @inheritdoc IResponsibilityRegistry
    function contest(uint256 failureId, bytes32 reasonDigest, string calldata reasonUri) external nonReentrant {
        Failure storage f = _existingFailure(failureId);
        FailureState state = f.state;
        if (state == FailureState.Reported) {
            // The accused contests the report itself: it becomes accountable, bond locked.
            if (msg.sender != f.actor) revert CallerNotActor(failureId, msg.sender, f.actor);
            _checkBeforeDeadline(failureId, f);
            _lockActorBond(f);
        } else if (state == FailureState.Claimed || state == FailureState.Assigned) {
            if (msg.sender != f.accountable) revert CallerNotAccountable(failureId, msg.sender, f.accountable);
            _checkBeforeDeadline(failureId, f);
        } else {
            revert FailureNotContestable(failureId, state);
        }
        uint40 arbitrationDeadline = _now() + _parameters[f.parametersVersion].arbitrationTimeout;
        f.state = FailureState.Contested;
        f.deadline = arbitrationDeadline;
        _ledgers[msg.sender].failuresContested += 1;
        emit FailureContested(
            failureId,
            msg.sender,
            f.collateral,
            f.shortfall,
            arbitrationDeadline,
            reasonDigest,
            reasonUri
        );
    }

    /// @inheritdoc IResponsibilityRegistry
    function assignFallback(uint256 failureId) external nonReentrant {
        Failure storage f = _existingFailure(failureId);
        if (f.state != FailureState.Reported) revert FailureNotAssignable(failureId, f.state);
        _checkAfterDeadline(failureId, f);

        _lockActorBond(f);
        uint40 resolutionDeadline = _now() + _parameters[f.parametersVersion].resolutionWindow;
        f.state = FailureState.Assigned;
        f.deadline = resolutionDeadline;
        _ledgers[f.actor].failuresDefaulted += 1;
        emit FallbackAssigned(failureId, f.actor, f.collateral, f.shortfall, resolutionDeadline);
    }

    /// @inheritdoc IResponsibilityRegistry
    function collectShortfall(uint256 failureId) external nonReentrant returns (uint256 collected) {
        Failure storage f = _existingFailure(failureId);
        FailureState state = f.state;
        bool open =
            state == FailureState.Assigned || state == FailureState.Contested || state == FailureState.RemedyProposed;
        if (!open || !f.collateralFromBond) revert FailureNotCollectable(failureId, state, f.collateralFromBond);
        collected = _collectFreeBond(failureId, f);
        if (collected == 0) revert NothingToCollect(failureId, f.shortfall, _bonds[f.actor].amount);
    }

    /// @inheritdoc IResponsibilityRegistry
    function compensate(uint256 failureId) external nonReentrant {
        Failure storage f = _resolvableFailure(failureId);
        if (msg.sender != f.accountable) revert CallerNotAccountable(failureId, msg.sender, f.accountable);
        _checkBeforeDeadline(failureId, f);
        // Paying means paying in full: an accountable node must cover its shortfall first.
        if (f.collateralFromBond) _collectFreeBond(failureId, f);
        if (f.shortfall != 0) revert ShortfallOutstanding(failureId, f.shortfall);
        _settleUpheld(failureId, f, FailureState.Compensated);
    }

    /// @inheritdoc IResponsibilityRegistry
    function proposeRemedy(uint256 failureId, bytes32 remedyDigest, string calldata remedyUri) external nonReentrant {
        Failure storage f = _resolvableFailure(failureId);
        if (msg.sender != f.accountable) revert CallerNotAccountable(failureId, msg.sender, f.accountable);
        _checkBeforeDeadline(failureId, f);

        uint40 remedyDeadline = _now() + _parameters[f.parametersVersion].remedyWindow;
        f.state = FailureState.RemedyProposed;
        f.deadline = remedyDeadline;
        emit RemedyProposed(failureId, msg.sender, remedyDigest, remedyUri, remedyDeadline);
    }

    /// @inheritdoc IResponsibilityRegistry
    function acceptRemedy(uint256 failureId) external nonReentrant {
        Failure storage f = _remedyFailure(failureId);
        if (msg.sender != f.beneficiary) revert CallerNotBeneficiary(failureId, msg.sender, f.beneficiary);
        _checkBeforeDeadline(failureId, f);
        emit RemedyAccepted(failureId, msg.sender);
        _settleReleased(failureId, f, FailureState.Remedied);
    }

    /// @inheritdoc IResponsibilityRegistry
    function rejectRemedy(uint256 failureId) external nonReentrant {
        Failure storage f = _remedyFailure(failureId);
        if (msg.sender != f.beneficiary) revert CallerNotBeneficiary(failureId, msg.sender, f.beneficiary);
        _checkBeforeDeadline(failureId, f);

        uint40 arbitrationDeadline = _now() + _parameters[f.parametersVersion].arbitrationTimeout;
        f.state = FailureState.Contested;
        f.deadline = arbitrationDeadline;
        emit RemedyRejected(failureId, msg.sender, arbitrationDeadline);
    }

    /// @inheritdoc IResponsibilityRegistry
    function finalizeRemedy(uint256 failureId) external nonReentrant {
        Failure storage f = _remedyFailure(failureId);
        _checkAfterDeadline(failureId, f);
        _settleReleased(failureId, f, FailureState.Remedied);
    }

    /// @inheritdoc IResponsibilityRegistry
    function enforce(uint256 failureId) external nonReentrant {
        Failure storage f = _resolvableFailure(failureId);
        _checkAfterDeadline(failureId, f);
        if (f.collateralFromBond) _collectFreeBond(failureId, f);
        // Closing with part of the compensation unbacked is the beneficiary's call: it may rather
        // wait for bond locked elsewhere to come back (the open failure keeps it from leaving).
        // After the unbonding delay anyone may, so an absent beneficiary cannot freeze a bond.
        if (f.shortfall != 0 && msg.sender != f.beneficiary) {
            uint256 openToAll = uint256(f.deadline) + _parameters[f.parametersVersion].unbondingDelay;
            if (block.timestamp <= openToAll) revert ShortfallOutstanding(failureId, f.shortfall);
        }
        _settleUpheld(failureId, f, FailureState.Enforced);
    }

    /// @inheritdoc IResponsibilityRegistry
    function rule(uint256 failureId, Ruling ruling) external nonReentrant {
        Failure storage f = _contestedFailure(failureId);
        address arbiter = _parameters[f.parametersVersion].arbiter;
        if (msg.sender != arbiter) revert CallerNotArbiter(failureId, msg.sender, arbiter);
        if (ruling == Ruling.None) revert InvalidRuling(ruling);
        _checkBeforeDeadline(failureId, f);

        emit ArbitrationRuled(failureId, msg.sender, ruling);
        if (ruling == Ruling.Valid) {
            if (f.collateralFromBond) _collectFreeBond(failureId, f);
            _settleUpheld(failureId, f, FailureState.RuledValid);
        } else if (ruling == Ruling.Invalid) {
            _settleInvalid(failureId, f);
        } else {
            _settleReleased(failureId, f, FailureState.Drawn);
        }
    }

    /// @inheritdoc IResponsibilityRegistry
    function expireArbitration(uint256 failureId) external nonReentrant {
        Failure storage f = _contestedFailure(failureId);
        _checkAfterDeadline(failureId, f);
        _settleReleased(failureId, f, FailureState.Drawn);
    }

    /// @inheritdoc IResponsibilityRegistry
    function withdraw(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert InvalidRecipient(to);
        amount = _credits[msg.sender];
        if (amount == 0) revert NoCredit(msg.sender);

        _credits[msg.sender] = 0;
        _liabilities.credits -= uint128(amount); // every credit was added to this total
        emit Withdrawn(msg.sender, to, amount);

        _sendCollateral(to, amount);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Admin
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IResponsibilityRegistry
    function setParameters(Parameters calldata newParameters) external onlyOwner {
        _setParameters(newParameters);
    }

    /// @inheritdoc IResponsibilityRegistry
    function setMinimumOperatorBond(uint128 newMinimum) external onlyOwner {
        uint256 previous = _config.minimumOperatorBond;
        _config.minimumOperatorBond = newMinimum;
        emit MinimumOperatorBondUpdated(previous, newMinimum);
    }

    /// @inheritdoc IResponsibilityRegistry
    function setPaused(bool paused_) external onlyOwner {
        _config.paused = paused_;
        emit PauseSet(paused_);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Views
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IResponsibilityRegistry
    function collateralToken() external view returns (address) {
        return address(_collateralToken);
    }

    /// @inheritdoc IResponsibilityRegistry
    function gatedLogging() external view returns (bool) {
        return _gatedLogging;
    }

    /// @inheritdoc IResponsibilityRegistry
    function traceHead(bytes32 traceId) external view returns (bytes32) {
        return _traceHeads[traceId];
    }

    /// @inheritdoc IResponsibilityRegistry
    function isPinnedHead(bytes32 traceId, bytes32 head) external view returns (bool) {
        return _pinnedHeads[traceId][head];
    }

    /// @inheritdoc IResponsibilityRegistry
    function nonces(address signer) external view returns (uint256) {
        return _nonces[signer];
    }

    /// @inheritdoc IResponsibilityRegistry
    function signedStepsDigest(
        address actor,
        Step[] calldata steps,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32) {
        return _signedStepsDigest(actor, steps, nonce, deadline, new bytes32[](steps.length));
    }

    /// @inheritdoc IResponsibilityRegistry
    function parameters() external view returns (Parameters memory current, uint32 version) {
        version = _config.parametersVersion;
        current = _parameters[version];
    }

    /// @inheritdoc IResponsibilityRegistry
    function parametersAt(uint32 version) external view returns (Parameters memory) {
        return _parameters[version];
    }

    /// @inheritdoc IResponsibilityRegistry
    function minimumOperatorBond() external view returns (uint256) {
        return _config.minimumOperatorBond;
    }

    /// @inheritdoc IResponsibilityRegistry
    function paused() external view returns (bool) {
        return _config.paused;
    }

    /// @inheritdoc IResponsibilityRegistry
    function bondOf(address operator) external view returns (OperatorBond memory) {
        return _bonds[operator];
    }

    /// @inheritdoc IResponsibilityRegistry
    function failure(uint256 failureId) external view returns (Failure memory) {
        return _failures[failureId];
    }

    /// @inheritdoc IResponsibilityRegistry
    function failureCount() external view returns (uint256) {
        return _failureCount;
    }

    /// @inheritdoc IResponsibilityRegistry
    function failureOfStep(bytes32 stepId, address reporter) external view returns (uint256) {
        return _failureOfStep[stepId][reporter];
    }

    /// @inheritdoc IResponsibilityRegistry
    function ledgerOf(address account) external view returns (Ledger memory) {
        return _ledgers[account];
    }

    /// @inheritdoc IResponsibilityRegistry
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @inheritdoc IResponsibilityRegistry
    function totals() external view returns (Totals memory) {
        Liabilities memory liabilities = _liabilities;
        return
            Totals({
                bonded: liabilities.bonded,
                reporterBonds: liabilities.reporterBonds,
                staked: liabilities.staked,
                credits: liabilities.credits
            });
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Private: trace
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @dev The one core shared by single, batch and signed logging.
    function _appendStep(
        address actor,
        Step calldata step,
        bytes32 uriHash,
        uint256 index
    ) private returns (bytes32 stepId) {
        bytes32 traceId = step.traceId;
        if (traceId == bytes32(0)) revert ZeroTraceId(index);
        uint8 kind = step.kind;
        if (kind > uint8(StepKind.Custom)) revert InvalidStepKind(index, kind);

        uint64 loggedAt = uint64(block.timestamp);
        bytes32 body = StepHashing.bodyHash(
            traceId,
            kind,
            actor,
            step.inputDigest,
            step.outputDigest,
            uriHash,
            loggedAt
        );
        stepId = StepHashing.stepId(_traceHeads[traceId], body);
        _traceHeads[traceId] = stepId;
        emit StepLogged(
            traceId,
            stepId,
            actor,
            StepKind(kind),
            step.inputDigest,
            step.outputDigest,
            loggedAt,
            step.uri
        );
    }

    /// @dev Verifies a signed group (deadline, nonce, signature) and returns the hashes of the
    /// steps' URIs so they are hashed once. A group with the signer's current nonce is `fresh`
    /// and consumes it; a valid signature with a nonce already used is not fresh (the caller
    /// skips it); a nonce ahead of the current one reverts.
    function _useSignature(SignedSteps calldata batch) private returns (bytes32[] memory uriHashes, bool fresh) {
        address actor = batch.actor;
        if (block.timestamp > batch.deadline) revert SignatureExpired(actor, batch.deadline, block.timestamp);
        uint256 expectedNonce = _nonces[actor];
        if (batch.nonce > expectedNonce) revert InvalidNonce(actor, expectedNonce, batch.nonce);

        uriHashes = new bytes32[](batch.steps.length);
        bytes32 digest = _signedStepsDigest(actor, batch.steps, batch.nonce, batch.deadline, uriHashes);
        if (!SignatureChecker.isValidSignatureNowCalldata(actor, digest, batch.signature)) {
            revert InvalidSignature(actor);
        }
        fresh = batch.nonce == expectedNonce;
        // Cannot overflow: a nonce reaches 2^256 - 1 only through increaseNonce, and then no
        // signature can carry the next one.
        if (fresh) _nonces[actor] = expectedNonce + 1;
    }

    /// @dev EIP-712 digest of `LogSteps(actor, steps, nonce, deadline)`; fills `uriHashes`.
    function _signedStepsDigest(
        address actor,
        Step[] calldata steps,
        uint256 nonce,
        uint64 deadline,
        bytes32[] memory uriHashes
    ) private view returns (bytes32) {
        bytes32[] memory stepHashes = new bytes32[](steps.length);
        for (uint256 i; i < steps.length; ++i) {
            Step calldata step = steps[i];
            bytes32 uriHash = StepHashing.hashUri(step.uri);
            uriHashes[i] = uriHash;
            stepHashes[i] = keccak256(
                abi.encode(_STEP_TYPEHASH, step.traceId, step.kind, step.inputDigest, step.outputDigest, uriHash)
            );
        }
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(_LOG_STEPS_TYPEHASH, actor, keccak256(abi.encodePacked(stepHashes)), nonce, deadline)
                )
            );
    }

    /// @dev Folds the proof forward from the step to a head, and accepts it if that head is the
    /// trace's current head or a pinned one. Returns the step id.
    function _verifyStepProof(bytes32 traceId, StepProof calldata proof) private view returns (bytes32 stepId) {
        if (traceId == bytes32(0)) revert ZeroTraceId(0);
        bytes32 body = StepHashing.bodyHash(
            traceId,
            proof.kind,
            proof.actor,
            proof.inputDigest,
            proof.outputDigest,
            proof.uriHash,
            proof.loggedAt
        );
        stepId = StepHashing.stepId(proof.previousHead, body);
        bytes32 head = stepId;
        uint256 later = proof.laterBodyHashes.length;
        for (uint256 i; i < later; ++i) {
            head = StepHashing.stepId(head, proof.laterBodyHashes[i]);
        }
        bytes32 currentHead = _traceHeads[traceId];
        if (head != currentHead && !_pinnedHeads[traceId][head]) {
            revert StepProofMismatch(traceId, currentHead, head);
        }
    }

    /// @dev Every check of a report: beneficiary, compensation, the step proof, one report per
    /// step, and the report window. Returns the proven step's id.
    function _checkReport(
        FailureReport calldata report,
        StepProof calldata proof,
        Parameters storage params
    ) private view returns (bytes32 stepId) {
        // The registry could never withdraw a credit of its own.
        if (report.beneficiary == address(0) || report.beneficiary == address(this)) {
            revert InvalidBeneficiary(report.beneficiary);
        }
        uint256 cap = params.compensationCap;
        if (report.compensation == 0 || report.compensation > cap) {
            revert CompensationOutOfRange(report.compensation, cap);
        }
        stepId = _verifyStepProof(report.traceId, proof);
        uint256 existing = _failureOfStep[stepId][msg.sender];
        if (existing != 0) revert StepAlreadyReported(stepId, msg.sender, existing);
        uint256 reportDeadline = uint256(proof.loggedAt) + params.reportWindow;
        if (block.timestamp > reportDeadline) revert ReportWindowClosed(stepId, reportDeadline, block.timestamp);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Private: failures
    // ─────────────────────────────────────────────────────────────────────────────────────────

    function _emitFailureReported(uint256 failureId, Failure storage f, FailureReport calldata report) private {
        emit FailureReported(
            failureId,
            f.stepId,
            f.actor,
            f.traceId,
            f.reporter,
            f.beneficiary,
            f.compensation,
            f.reporterBond,
            f.deadline,
            report.evidenceDigest,
            report.evidenceUri
        );
    }

    /// @dev Makes the step's actor accountable and moves up to the compensation from its bond
    /// (including any unbonding part, which stays slashable) into the failure's collateral.
    /// Never reverts for a short bond: the gap is recorded as the shortfall.
    function _lockActorBond(Failure storage f) private {
        address actor = f.actor;
        OperatorBond storage actorBond = _bonds[actor];
        uint128 compensation = f.compensation;
        uint128 locked = uint128(_min(compensation, actorBond.amount));
        actorBond.amount -= locked;
        _liabilities.bonded -= locked;
        _liabilities.staked += locked;
        f.accountable = actor;
        f.collateralFromBond = true;
        f.collateral = locked;
        f.shortfall = compensation - locked;
    }

    /// @dev Moves as much of the actor's bond as is free, up to the failure's shortfall, into its
    /// collateral (the bond may have been topped up, or restored from another failure). Returns
    /// the amount; emits ShortfallCollected when it is not zero.
    function _collectFreeBond(uint256 failureId, Failure storage f) private returns (uint128 amount) {
        OperatorBond storage actorBond = _bonds[f.actor];
        uint128 shortfall = f.shortfall;
        amount = uint128(_min(shortfall, actorBond.amount)); // <= shortfall < 2^128
        if (amount == 0) return 0;
        actorBond.amount -= amount;
        _liabilities.bonded -= amount;
        _liabilities.staked += amount;
        f.collateral += amount;
        f.shortfall = shortfall - amount;
        emit ShortfallCollected(failureId, f.actor, amount, shortfall - amount);
    }

    /// @dev The report stood (Compensated, Enforced, RuledValid): the collateral pays the
    /// beneficiary and the reporter's bond returns.
    function _settleUpheld(uint256 failureId, Failure storage f, FailureState outcome) private {
        address accountable = f.accountable;
        uint128 paid = f.collateral;
        uint128 shortfall = f.shortfall;
        Ledger storage accountableLedger = _ledgers[accountable];
        accountableLedger.amountPaid += paid;
        if (f.collateralFromBond) accountableLedger.amountSlashed += paid;
        accountableLedger.unbackedShortfall += shortfall;
        if (outcome == FailureState.Compensated) accountableLedger.failuresCompensated += 1;
        else if (outcome == FailureState.Enforced) accountableLedger.failuresEnforced += 1;
        else accountableLedger.failuresRuledValid += 1;
        _ledgers[f.beneficiary].amountReceived += paid;

        _close(failureId, f, outcome, paid, shortfall);
        if (paid != 0) _credit(f.beneficiary, failureId, CreditReason.Compensation, paid);
        _credit(f.reporter, failureId, CreditReason.ReporterBondReturned, f.reporterBond);
    }

    /// @dev Nobody is paid (Remedied, Drawn): the collateral and the reporter's bond return.
    function _settleReleased(uint256 failureId, Failure storage f, FailureState outcome) private {
        Ledger storage accountableLedger = _ledgers[f.accountable];
        if (outcome == FailureState.Remedied) accountableLedger.failuresRemedied += 1;
        else accountableLedger.failuresDrawn += 1;

        _close(failureId, f, outcome, 0, 0);
        _returnCollateral(failureId, f);
        _credit(f.reporter, failureId, CreditReason.ReporterBondReturned, f.reporterBond);
    }

    /// @dev The report was false (RuledInvalid): the collateral returns and the reporter's bond
    /// goes to the wrongly accused actor, less the treasury's share.
    function _settleInvalid(uint256 failureId, Failure storage f) private {
        Parameters storage params = _parameters[f.parametersVersion];
        uint128 forfeited = f.reporterBond;
        // Cannot overflow: forfeited < 2^128 and treasuryShareBps <= 10_000.
        uint128 treasuryShare = uint128((uint256(forfeited) * params.treasuryShareBps) / MAX_BPS);
        uint128 award = forfeited - treasuryShare;
        _ledgers[f.accountable].failuresRuledInvalid += 1;
        _ledgers[f.reporter].reporterBondsForfeited += forfeited;
        _ledgers[f.actor].amountReceived += award;

        _close(failureId, f, FailureState.RuledInvalid, 0, 0);
        _returnCollateral(failureId, f);
        if (award != 0) _credit(f.actor, failureId, CreditReason.ReporterBondAwarded, award);
        if (treasuryShare != 0) _credit(params.treasury, failureId, CreditReason.TreasuryShare, treasuryShare);
    }

    /// @dev Marks the failure closed and releases it from the totals; callers move the money.
    function _close(
        uint256 failureId,
        Failure storage f,
        FailureState outcome,
        uint256 paidToBeneficiary,
        uint256 unbackedShortfall
    ) private {
        f.state = outcome;
        _bonds[f.actor].openFailures -= 1;
        _liabilities.reporterBonds -= f.reporterBond;
        _liabilities.staked -= f.collateral;
        emit FailureClosed(failureId, outcome, f.accountable, paidToBeneficiary, unbackedShortfall);
    }

    /// @dev Returns a failure's collateral: to the actor's bond if it was locked from it, to the
    /// claimant's credits if it was staked.
    function _returnCollateral(uint256 failureId, Failure storage f) private {
        uint128 amount = f.collateral;
        if (amount == 0) return;
        address accountable = f.accountable;
        if (f.collateralFromBond) {
            _bonds[accountable].amount += amount;
            _liabilities.bonded += amount;
            emit BondRestored(accountable, failureId, amount);
        } else {
            _credit(accountable, failureId, CreditReason.StakeReturned, amount);
        }
    }

    function _existingFailure(uint256 failureId) private view returns (Failure storage f) {
        f = _failures[failureId];
        if (f.state == FailureState.None) revert UnknownFailure(failureId);
    }

    function _resolvableFailure(uint256 failureId) private view returns (Failure storage f) {
        f = _existingFailure(failureId);
        if (f.state != FailureState.Claimed && f.state != FailureState.Assigned) {
            revert FailureNotResolvable(failureId, f.state);
        }
    }

    function _remedyFailure(uint256 failureId) private view returns (Failure storage f) {
        f = _existingFailure(failureId);
        if (f.state != FailureState.RemedyProposed) revert NoRemedyProposed(failureId, f.state);
    }

    function _contestedFailure(uint256 failureId) private view returns (Failure storage f) {
        f = _existingFailure(failureId);
        if (f.state != FailureState.Contested) revert FailureNotContested(failureId, f.state);
    }

    /// @dev The current phase is open while `now <= deadline`...
    function _checkBeforeDeadline(uint256 failureId, Failure storage f) private view {
        if (block.timestamp > f.deadline) revert DeadlinePassed(failureId, f.deadline, block.timestamp);
    }

    /// @dev ...and its timeout applies only once `now > deadline`, so no timestamp allows both.
    function _checkAfterDeadline(uint256 failureId, Failure storage f) private view {
        if (block.timestamp <= f.deadline) revert DeadlineNotReached(failureId, f.deadline, block.timestamp);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Private: money and config
    // ─────────────────────────────────────────────────────────────────────────────────────────

    function _credit(address account, uint256 failureId, CreditReason reason, uint128 amount) private {
        _credits[account] += amount;
        _liabilities.credits += amount;
        emit Credited(account, failureId, reason, amount);
    }

    /// @dev Takes exactly `amount` of collateral from the caller. Native: `msg.value` must equal
    /// it. ERC-20: no value allowed, and the balance must grow by exactly `amount`, which refuses
    /// fee-on-transfer tokens rather than crediting more than arrived.
    function _receiveCollateral(uint256 amount) private {
        IERC20 token = _collateralToken;
        if (address(token) == address(0)) {
            if (msg.value != amount) revert ValueMismatch(amount, msg.value);
            return;
        }
        if (msg.value != 0) revert UnexpectedValue(msg.value);
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 balanceAfter = token.balanceOf(address(this));
        uint256 received = balanceAfter > balanceBefore ? balanceAfter - balanceBefore : 0;
        if (received != amount) revert TransferAmountMismatch(amount, received);
    }

    /// @dev The one place value leaves the contract (called only by {withdraw}).
    function _sendCollateral(address to, uint256 amount) private {
        IERC20 token = _collateralToken;
        if (address(token) == address(0)) {
            (bool success, ) = payable(to).call{value: amount}("");
            if (!success) revert NativeTransferFailed(to, amount);
        } else {
            token.safeTransfer(to, amount);
        }
    }

    function _setParameters(Parameters memory p) private {
        if (p.reporterBond == 0) revert ParameterOutOfBounds("reporterBond", 0, 1, type(uint128).max);
        if (p.compensationCap == 0) revert ParameterOutOfBounds("compensationCap", 0, 1, type(uint128).max);
        _checkBounds("reportWindow", p.reportWindow, MIN_WINDOW, MAX_REPORT_WINDOW);
        _checkBounds("claimWindow", p.claimWindow, MIN_WINDOW, MAX_WINDOW);
        _checkBounds("resolutionWindow", p.resolutionWindow, MIN_WINDOW, MAX_WINDOW);
        _checkBounds("remedyWindow", p.remedyWindow, MIN_WINDOW, MAX_WINDOW);
        _checkBounds("arbitrationTimeout", p.arbitrationTimeout, MIN_WINDOW, MAX_WINDOW);
        uint256 windows =
            uint256(p.reportWindow) + p.claimWindow + p.resolutionWindow + p.remedyWindow + p.arbitrationTimeout;
        _checkBounds("unbondingDelay", p.unbondingDelay, windows, MAX_UNBONDING_DELAY);
        _checkBounds("treasuryShareBps", p.treasuryShareBps, 0, MAX_BPS);
        // A share that rounds down to zero would let a node report itself for free.
        if (p.treasuryShareBps != 0) {
            uint256 smallest = (MAX_BPS + p.treasuryShareBps - 1) / p.treasuryShareBps;
            _checkBounds("reporterBond", p.reporterBond, smallest, type(uint128).max);
        }
        if (p.arbiter == address(0)) revert ZeroAddressParameter("arbiter");
        if (p.treasury == address(0)) revert ZeroAddressParameter("treasury");

        uint32 version = _config.parametersVersion + 1;
        _parameters[version] = p;
        _config.parametersVersion = version;
        emit ParametersUpdated(version, p);
    }

    /// @dev One SLOAD for the whole logging gate.
    function _checkNotPaused() private view returns (Config memory config) {
        config = _config;
        if (config.paused) revert RegistryPaused();
    }

    /// @dev Logging needs no bond unless a minimum is set; then the actor's active bond (not
    /// unbonding) must reach it.
    function _checkCanLog(Config memory config, address actor) private view {
        uint256 minimum = config.minimumOperatorBond;
        if (minimum == 0) return;
        uint256 active = _activeBond(_bonds[actor]);
        if (active < minimum) revert OperatorBondTooLow(actor, active, minimum);
    }

    function _checkBatchSize(uint256 size) private pure {
        if (size == 0) revert EmptyBatch();
        if (size > MAX_BATCH_SIZE) revert BatchTooLarge(size, MAX_BATCH_SIZE);
    }

    function _checkBounds(string memory name, uint256 value, uint256 minimum, uint256 maximum) private pure {
        if (value < minimum || value > maximum) revert ParameterOutOfBounds(name, value, minimum, maximum);
    }

    function _activeBond(OperatorBond storage operatorBond) private view returns (uint256) {
        uint256 amount = operatorBond.amount;
        uint256 unbonding = operatorBond.unbonding;
        return amount > unbonding ? amount - unbonding : 0;
    }

    /// @dev The one source of time.
    function _now() private view returns (uint40) {
        return uint40(block.timestamp);
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
