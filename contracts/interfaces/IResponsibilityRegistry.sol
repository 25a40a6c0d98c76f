// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IResponsibilityRegistry — the Onus responsibility registry
/// @notice Nodes log the steps of an AI inference into hash-chained traces. Anyone may report a
/// failed step with a bond; any address may stake collateral to claim responsibility for it; if
/// nobody does, it falls to the bonded node that logged the step. The stake compensates the
/// affected party unless the failure is remedied or an arbiter rules the report false. Every
/// payout is a credit pulled with {withdraw}.
/// @dev This interface is the specification: types, events, errors and behaviour are documented
/// here; the implementation inherits this documentation. See `../shared/DESIGN.md` and the README's
/// design section for the model and its invariants.
interface IResponsibilityRegistry {
    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Types
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice What a step of an inference is.
    /// @dev Model: inputDigest = model weights (or CID) digest, outputDigest = model configuration.
    /// Compute: inputDigest = inference input, outputDigest = inference output.
    /// Verification: inputDigest = the digest verified, outputDigest = the proof or verdict.
    /// Custom: free use.
    enum StepKind {
        Model,
        Compute,
        Verification,
        Custom
    }

    /// @notice Where a failure is in its life cycle. States from `Compensated` on are closed
    /// and final.
    enum FailureState {
        None, // no failure with this id
        Reported, // waiting for a claim, a contest by the step's actor, or the fallback
        Claimed, // an address staked the compensation and is accountable
        Assigned, // nobody claimed: the step's actor is accountable, its bond locked
        Contested, // waiting for the arbiter
        RemedyProposed, // the accountable party proposed a remedy to the beneficiary
        Compensated, // closed: the accountable party paid the beneficiary
        Remedied, // closed: the remedy was accepted (or not rejected in time); collateral returned
        Enforced, // closed: nothing done within the resolution window; collateral paid out
        RuledValid, // closed: the arbiter upheld the report; collateral paid out
        RuledInvalid, // closed: the arbiter ruled the report false; the reporter's bond is forfeited
        Drawn // closed: the arbiter refused or timed out; everything returned
    }

    /// @notice An arbiter's ruling on a contested failure. `None` is not a valid ruling.
    enum Ruling {
        None,
        Valid,
        Invalid,
        Refused
    }

    /// @notice Why an address was credited (see {Credited}).
    enum CreditReason {
        Compensation, // collateral paid to the beneficiary
        ReporterBondReturned, // a valid or drawn report's bond back to its reporter
        ReporterBondAwarded, // an invalid report's bond to the wrongly accused actor
        TreasuryShare, // the treasury's share of an invalid report's bond
        StakeReturned, // a claimant's stake back after a remedy, an invalid ruling or a draw
        BondWithdrawn // an operator bond released after its unbonding delay
    }

    /// @notice One step to log.
    /// @param traceId The inference this step belongs to (non-zero).
    /// @param kind A {StepKind} as a number (0..3); anything else reverts with {InvalidStepKind}.
    /// @param inputDigest Digest of what the step consumed (see {StepKind}).
    /// @param outputDigest Digest of what the step produced (see {StepKind}).
    /// @param uri Optional pointer to off-chain detail; only its hash is chained.
    struct Step {
        bytes32 traceId;
        uint8 kind;
        bytes32 inputDigest;
        bytes32 outputDigest;
        string uri;
    }

    /// @notice Steps signed by `actor` (EIP-712) and submitted by anyone (a relayer).
    /// @param actor The signer the steps are attributed to (an EOA or an ERC-1271 wallet).
    /// @param steps The steps, in order.
    /// @param nonce Must equal {nonces}(actor); consumed on success.
    /// @param deadline Last timestamp (inclusive) at which the signature is valid.
    /// @param signature EIP-712 signature over `LogSteps(actor, steps, nonce, deadline)`.
    struct SignedSteps {
        address actor;
        Step[] steps;
        uint256 nonce;
        uint64 deadline;
        bytes signature;
    }

    /// @notice Proof that a step is part of a trace: the step's fields, the head before it, and
    /// the body hashes of every step after it. Folding them forward must reach the trace's
    /// current head or a head pinned with {pinTraceHead}.
    /// @param previousHead The trace head before the step (zero for a trace's first step).
    /// @param kind The step's kind as logged.
    /// @param actor The step's actor as logged.
    /// @param inputDigest The step's input digest as logged.
    /// @param outputDigest The step's output digest as logged.
    /// @param uriHash keccak256 of the step's URI bytes.
    /// @param loggedAt The block timestamp at which the step was logged.
    /// @param laterBodyHashes Body hashes of the steps logged after it, oldest first.
    struct StepProof {
        bytes32 previousHead;
        uint8 kind;
        address actor;
        bytes32 inputDigest;
        bytes32 outputDigest;
        bytes32 uriHash;
        uint64 loggedAt;
        bytes32[] laterBodyHashes;
    }

    /// @notice What a reporter says went wrong.
    /// @param traceId The trace holding the failed step.
    /// @param beneficiary The affected party, who receives the compensation.
    /// @param compensation The compensation asked, in collateral units (1 ..= compensationCap).
    /// @param evidenceDigest Digest of the evidence.
    /// @param evidenceUri Optional pointer to the evidence.
    struct FailureReport {
        bytes32 traceId;
        address beneficiary;
        uint128 compensation;
        bytes32 evidenceDigest;
        string evidenceUri;
    }

    /// @notice The tunable parameters. Every failure records the version in force when it was
    /// reported and keeps using it, so changes apply only to failures reported afterwards.
    /// @param reporterBond Bond a reporter posts with a report (> 0).
    /// @param compensationCap Largest compensation a report may ask (> 0).
    /// @param reportWindow Seconds after a step is logged during which it can be reported.
    /// @param claimWindow Seconds after a report during which anyone may claim responsibility
    /// and the step's actor may contest.
    /// @param resolutionWindow Seconds the accountable party has to compensate, propose a remedy
    /// or contest, counted from the moment it became accountable.
    /// @param remedyWindow Seconds the beneficiary has to accept or reject a proposed remedy.
    /// @param arbitrationTimeout Seconds the arbiter has to rule on a contested failure.
    /// @param unbondingDelay Seconds between starting to unbond and withdrawing the bond; at
    /// least the sum of the five windows above, so no bond leaves before its steps can be judged.
    /// @param treasuryShareBps Share (basis points) of an invalid report's bond that goes to the
    /// treasury rather than the wrongly accused actor, so reporting oneself never pays.
    /// @param arbiter Address that rules on contested failures.
    /// @param treasury Address that receives the treasury share.
    struct Parameters {
        uint128 reporterBond;
        uint128 compensationCap;
        uint32 reportWindow;
        uint32 claimWindow;
        uint32 resolutionWindow;
        uint32 remedyWindow;
        uint32 arbitrationTimeout;
        uint32 unbondingDelay;
        uint16 treasuryShareBps;
        address arbiter;
        address treasury;
    }

    /// @notice An operator bond.
    /// @param amount Bonded collateral, including any part that is unbonding (still slashable).
    /// @param unbonding Part of `amount` the operator asked to withdraw.
    /// @param unbondableAt Timestamp from which the unbonding part can be withdrawn.
    /// @param openFailures Failures against the operator's steps that are not closed yet.
    struct OperatorBond {
        uint128 amount;
        uint128 unbonding;
        uint40 unbondableAt;
        uint32 openFailures;
    }

    /// @notice A failure's full state.
    /// @param traceId The trace holding the failed step.
    /// @param stepId The failed step (its digest, which is also the trace head right after it).
    /// @param actor The address that logged the step (the accused).
    /// @param state Where the failure is in its life cycle.
    /// @param collateralFromBond True when the collateral was locked from the actor's bond
    /// (fallback or contest by the actor) rather than staked by a claimant.
    /// @param parametersVersion The {Parameters} version this failure uses.
    /// @param reportedAt When the failure was reported.
    /// @param reporter Who reported it.
    /// @param deadline Deadline of the current phase: claim window (Reported), resolution window
    /// (Claimed, Assigned), remedy window (RemedyProposed), arbitration timeout (Contested).
    /// @param beneficiary The affected party.
    /// @param accountable The accountable address (zero while Reported).
    /// @param compensation The compensation asked.
    /// @param reporterBond The bond the reporter posted.
    /// @param collateral Collateral locked behind the failure (stake or locked bond).
    /// @param shortfall Part of the compensation the actor's bond could not cover.
    struct Failure {
        bytes32 traceId;
        bytes32 stepId;
        address actor;
        FailureState state;
        bool collateralFromBond;
        uint32 parametersVersion;
        uint40 reportedAt;
        address reporter;
        uint40 deadline;
        address beneficiary;
        address accountable;
        uint128 compensation;
        uint128 reporterBond;
        uint128 collateral;
        uint128 shortfall;
    }

    /// @notice An address's record. Steps logged are not stored (it would put a storage write
    /// on the logging hot path); count {StepLogged} events filtered by the indexed actor.
    /// @param failuresAttributed Failures reported against steps this address logged.
    /// @param failuresReported Failures this address reported.
    /// @param failuresClaimed Failures this address claimed responsibility for.
    /// @param failuresDefaulted Failures that fell to this address by fallback (nobody claimed).
    /// @param failuresContested Failures this address contested.
    /// @param failuresCompensated Failures this address, as the accountable party, paid.
    /// @param failuresRemedied Failures this address, as the accountable party, remedied.
    /// @param failuresEnforced Failures enforced against this address after its resolution window.
    /// @param failuresRuledValid Failures this address was accountable for that the arbiter upheld.
    /// @param failuresRuledInvalid Failures this address was accountable for that the arbiter
    /// ruled false.
    /// @param failuresDrawn Failures this address was accountable for that ended drawn.
    /// @param amountPaid Collateral of this address paid to beneficiaries (stakes and bond).
    /// @param amountSlashed The part of `amountPaid` taken from its operator bond.
    /// @param amountReceived Compensation and awarded reporter bonds credited to this address.
    /// @param unbackedShortfall Compensation owed by this address that its bond could not cover.
    /// @param reporterBondsForfeited Bonds this address lost on reports ruled invalid.
    struct Ledger {
        uint32 failuresAttributed;
        uint32 failuresReported;
        uint32 failuresClaimed;
        uint32 failuresDefaulted;
        uint32 failuresContested;
        uint32 failuresCompensated;
        uint32 failuresRemedied;
        uint32 failuresEnforced;
        uint32 failuresRuledValid;
        uint32 failuresRuledInvalid;
        uint32 failuresDrawn;
        uint128 amountPaid;
        uint128 amountSlashed;
        uint128 amountReceived;
        uint128 unbackedShortfall;
        uint128 reporterBondsForfeited;
    }

    /// @notice Collateral the contract owes, by kind. Their sum is what it must hold.
    struct Totals {
        uint256 bonded;
        uint256 reporterBonds;
        uint256 staked;
        uint256 credits;
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Events
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice A step was appended to a trace; `stepId` is the trace's new head.
    /// @param traceId The trace (one log filter on this topic returns a whole trace, in order).
    /// @param stepId The step's digest: keccak256(previousHead, bodyHash).
    /// @param actor The address the step is attributed to (sender, or signer for signed steps).
    /// @param kind The step kind.
    /// @param inputDigest The step's input digest.
    /// @param outputDigest The step's output digest.
    /// @param loggedAt The block timestamp folded into the step's digest.
    /// @param uri The step's URI (its hash is folded into the digest).
    event StepLogged(
        bytes32 indexed traceId,
        bytes32 indexed stepId,
        address indexed actor,
        StepKind kind,
        bytes32 inputDigest,
        bytes32 outputDigest,
        uint64 loggedAt,
        string uri
    );

    /// @notice A trace head was pinned so reports can be proven against it while the trace grows.
    event TraceHeadPinned(bytes32 indexed traceId, bytes32 indexed head, address indexed by);

    /// @notice A signed group was skipped because its nonce was already used (the same signature
    /// was submitted before, or the signer cancelled it); its step ids in the result are zero.
    event SignedStepsSkipped(address indexed actor, uint256 nonce);

    /// @notice A signer invalidated its signatures with nonces below `newNonce`.
    event NonceIncreased(address indexed signer, uint256 oldNonce, uint256 newNonce);

    /// @notice An operator posted or topped up its bond.
    event Bonded(address indexed operator, uint256 amount, uint256 newBond);

    /// @notice An operator started unbonding `amount`; the total unbonding is `unbonding`.
    event UnbondingStarted(address indexed operator, uint256 amount, uint256 unbonding, uint256 unbondableAt);

    /// @notice An operator's unbonded collateral moved to its credits.
    event BondWithdrawn(address indexed operator, uint256 amount);

    /// @notice Collateral locked from an operator's bond for a failure came back to the bond.
    event BondRestored(address indexed operator, uint256 indexed failureId, uint256 amount);

    /// @notice More of the actor's bond was locked behind a failure, reducing its shortfall.
    event ShortfallCollected(
        uint256 indexed failureId,
        address indexed actor,
        uint256 amount,
        uint256 remainingShortfall
    );

    /// @notice A failure was reported against a logged step.
    event FailureReported(
        uint256 indexed failureId,
        bytes32 indexed stepId,
        address indexed actor,
        bytes32 traceId,
        address reporter,
        address beneficiary,
        uint256 compensation,
        uint256 reporterBond,
        uint256 claimDeadline,
        bytes32 evidenceDigest,
        string evidenceUri
    );

    /// @notice `claimant` staked `stake` and is now accountable for the failure.
    event ResponsibilityClaimed(
        uint256 indexed failureId,
        address indexed claimant,
        uint256 stake,
        uint256 resolutionDeadline
    );

    /// @notice Nobody claimed: the step's actor is accountable; `locked` came from its bond and
    /// `shortfall` is the part of the compensation the bond could not cover.
    event FallbackAssigned(
        uint256 indexed failureId,
        address indexed actor,
        uint256 locked,
        uint256 shortfall,
        uint256 resolutionDeadline
    );

    /// @notice The failure was contested and now waits for the arbiter. When the step's actor
    /// contests a report, it becomes accountable and `locked`/`shortfall` come from its bond as
    /// in a fallback; otherwise they repeat the failure's existing collateral and shortfall.
    event FailureContested(
        uint256 indexed failureId,
        address indexed by,
        uint256 locked,
        uint256 shortfall,
        uint256 arbitrationDeadline,
        bytes32 reasonDigest,
        string reasonUri
    );

    /// @notice The accountable party proposed a remedy to the beneficiary.
    event RemedyProposed(
        uint256 indexed failureId,
        address indexed accountable,
        bytes32 remedyDigest,
        string remedyUri,
        uint256 remedyDeadline
    );

    /// @notice The beneficiary accepted the proposed remedy.
    event RemedyAccepted(uint256 indexed failureId, address indexed beneficiary);

    /// @notice The beneficiary rejected the proposed remedy; the failure goes to the arbiter.
    event RemedyRejected(uint256 indexed failureId, address indexed beneficiary, uint256 arbitrationDeadline);

    /// @notice The arbiter ruled on a contested failure.
    event ArbitrationRuled(uint256 indexed failureId, address indexed arbiter, Ruling ruling);

    /// @notice A failure reached a closed state.
    /// @param outcome The closed state.
    /// @param accountable The accountable party.
    /// @param paidToBeneficiary Collateral credited to the beneficiary (zero unless the report
    /// was upheld: Compensated, Enforced or RuledValid).
    /// @param unbackedShortfall Compensation owed but not covered by collateral (recorded on the
    /// accountable party's ledger when the beneficiary is paid).
    event FailureClosed(
        uint256 indexed failureId,
        FailureState indexed outcome,
        address indexed accountable,
        uint256 paidToBeneficiary,
        uint256 unbackedShortfall
    );

    /// @notice `account` was credited `amount`, withdrawable with {withdraw}.
    event Credited(address indexed account, uint256 indexed failureId, CreditReason indexed reason, uint256 amount);

    /// @notice `account` withdrew `amount` of its credits to `to`.
    event Withdrawn(address indexed account, address indexed to, uint256 amount);

    /// @notice New parameters took effect as `version` for failures reported from now on.
    event ParametersUpdated(uint32 indexed version, Parameters parameters);

    /// @notice The minimum operator bond changed.
    event MinimumOperatorBondUpdated(uint256 previousMinimum, uint256 newMinimum);

    /// @notice New reports and claims (and logs, if gated) were paused (true) or resumed (false).
    event PauseSet(bool paused);

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Errors
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice A batch had no steps (or a signed batch had no signed groups).
    error EmptyBatch();
    /// @notice A batch had more steps than {MAX_BATCH_SIZE}.
    error BatchTooLarge(uint256 size, uint256 maximum);
    /// @notice Step `index` of the call (0 for single calls) had a zero trace id.
    error ZeroTraceId(uint256 index);
    /// @notice Step `index` of the call had a kind outside {StepKind}.
    error InvalidStepKind(uint256 index, uint8 kind);
    /// @notice `actor` must hold at least `minimum` active (not unbonding) bond to log steps.
    error OperatorBondTooLow(address actor, uint256 activeBond, uint256 minimum);
    /// @notice A signed batch's deadline passed.
    error SignatureExpired(address actor, uint64 deadline, uint256 timestamp);
    /// @notice A signed group's nonce is ahead of the signer's current nonce, or every group of
    /// the call was already used (a replay).
    error InvalidNonce(address actor, uint256 expected, uint256 provided);
    /// @notice A signature does not verify for `actor` (wrong signer, wrong chain or contract, or
    /// altered content).
    error InvalidSignature(address actor);
    /// @notice {increaseNonce} must move the nonce forward.
    error NonceNotIncreased(address signer, uint256 currentNonce, uint256 requestedNonce);
    /// @notice A trace with no steps has no head to pin.
    error EmptyTrace(bytes32 traceId);
    /// @notice New reports and claims (and logs, if gated) are paused.
    error RegistryPaused();
    /// @notice An amount of zero where a positive amount is required.
    error ZeroAmount();
    /// @notice Native collateral: `msg.value` must equal the amount.
    error ValueMismatch(uint256 expected, uint256 sent);
    /// @notice ERC-20 collateral: the call must not carry native value.
    error UnexpectedValue(uint256 sent);
    /// @notice ERC-20 collateral: the token delivered a different amount than asked (for example
    /// a fee-on-transfer token); such tokens are refused.
    error TransferAmountMismatch(uint256 expected, uint256 received);
    /// @notice A native transfer to `to` failed.
    error NativeTransferFailed(address to, uint256 amount);
    /// @notice The active bond after a top-up would stay below the minimum operator bond.
    error BondBelowMinimum(uint256 newActiveBond, uint256 minimum);
    /// @notice Unbonding more than the bond that is not already unbonding.
    error UnbondingExceedsBond(address operator, uint256 requested, uint256 available);
    /// @notice The operator has nothing unbonding.
    error NothingUnbonding(address operator);
    /// @notice The unbonding delay has not passed yet.
    error UnbondingNotReady(address operator, uint256 unbondableAt, uint256 timestamp);
    /// @notice The operator still has failures open against its steps.
    error OpenFailures(address operator, uint256 openFailures);
    /// @notice A report must name a beneficiary other than zero and the registry itself.
    error InvalidBeneficiary(address beneficiary);
    /// @notice The compensation asked is zero or above the cap.
    error CompensationOutOfRange(uint256 compensation, uint256 cap);
    /// @notice The step proof does not fold to the trace's current head (it may be stale: rebuild
    /// it, or prove against a head pinned with {pinTraceHead}) nor to a pinned head.
    error StepProofMismatch(bytes32 traceId, bytes32 currentHead, bytes32 computedHead);
    /// @notice This reporter already reported this step.
    error StepAlreadyReported(bytes32 stepId, address reporter, uint256 failureId);
    /// @notice The step was logged too long ago to be reported.
    error ReportWindowClosed(bytes32 stepId, uint256 deadline, uint256 timestamp);
    /// @notice No failure has this id.
    error UnknownFailure(uint256 failureId);
    /// @notice The failure is not in a state that can be claimed.
    error FailureNotClaimable(uint256 failureId, FailureState state);
    /// @notice The failure is not in a state that can be contested by the caller.
    error FailureNotContestable(uint256 failureId, FailureState state);
    /// @notice The fallback applies only to reported, unclaimed failures.
    error FailureNotAssignable(uint256 failureId, FailureState state);
    /// @notice Compensate, propose a remedy and enforce apply only to Claimed or Assigned failures.
    error FailureNotResolvable(uint256 failureId, FailureState state);
    /// @notice Accept, reject and finalize apply only to a failure with a proposed remedy.
    error NoRemedyProposed(uint256 failureId, FailureState state);
    /// @notice Rulings and timeouts apply only to contested failures.
    error FailureNotContested(uint256 failureId, FailureState state);
    /// @notice Only an open failure backed by the actor's bond can collect its shortfall.
    error FailureNotCollectable(uint256 failureId, FailureState state, bool collateralFromBond);
    /// @notice The failure has no shortfall, or the actor has no bond left to lock.
    error NothingToCollect(uint256 failureId, uint256 shortfall, uint256 availableBond);
    /// @notice Part of the compensation is not backed yet: the accountable node must top up its
    /// bond before compensating; only the beneficiary may enforce (until the unbonding delay
    /// after the resolution deadline has passed, when anyone may).
    error ShortfallOutstanding(uint256 failureId, uint256 shortfall);
    /// @notice The current phase's deadline has passed.
    error DeadlinePassed(uint256 failureId, uint256 deadline, uint256 timestamp);
    /// @notice The current phase's deadline has not passed yet.
    error DeadlineNotReached(uint256 failureId, uint256 deadline, uint256 timestamp);
    /// @notice Only the step's actor may do this.
    error CallerNotActor(uint256 failureId, address caller, address actor);
    /// @notice Only the accountable party may do this.
    error CallerNotAccountable(uint256 failureId, address caller, address accountable);
    /// @notice Only the beneficiary may do this.
    error CallerNotBeneficiary(uint256 failureId, address caller, address beneficiary);
    /// @notice Only the failure's arbiter may rule.
    error CallerNotArbiter(uint256 failureId, address caller, address arbiter);
    /// @notice A ruling must be Valid, Invalid or Refused.
    error InvalidRuling(Ruling ruling);
    /// @notice The account has no credit to withdraw.
    error NoCredit(address account);
    /// @notice Withdrawals need a non-zero recipient.
    error InvalidRecipient(address recipient);
    /// @notice A parameter is outside its hard bounds.
    error ParameterOutOfBounds(string name, uint256 value, uint256 minimum, uint256 maximum);
    /// @notice A parameter address must not be zero.
    error ZeroAddressParameter(string name);
    /// @notice The ERC-20 collateral address has no code.
    error InvalidCollateralToken(address token);

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Trace
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Appends one step, attributed to the caller, to `step.traceId`.
    /// @dev Reverts with {ZeroTraceId} or {InvalidStepKind}; in a gated deployment (see
    /// {gatedLogging}) also with {RegistryPaused} or {OperatorBondTooLow}.
    /// @param step The step.
    /// @return stepId The step's digest, now the trace's head.
    function logStep(Step calldata step) external returns (bytes32 stepId);

    /// @notice Appends steps (to any traces, in order), all attributed to the caller.
    /// @dev Same checks as {logStep} per step, plus {EmptyBatch} and {BatchTooLarge}.
    /// @param steps At most {MAX_BATCH_SIZE} steps.
    /// @return stepIds The steps' digests, in order.
    function logSteps(Step[] calldata steps) external returns (bytes32[] memory stepIds);

    /// @notice Appends steps signed by their actors (EIP-712), submitted by any relayer. Each
    /// group is attributed to its signer, never to the relayer.
    /// @dev Checks per group: {SignatureExpired}, {InvalidNonce}, {InvalidSignature} (EOA via
    /// ECDSA, contract wallets via ERC-1271), then the {logStep} checks per step. At most
    /// {MAX_BATCH_SIZE} steps in all. Consumes each signer's nonce. A group whose nonce was
    /// already used (the same signature submitted first by someone else, or cancelled with
    /// {increaseNonce}) is skipped with {SignedStepsSkipped}, so copying one group out of a
    /// relayer's batch cannot make the batch revert; if no group is new, the call reverts with
    /// {InvalidNonce} (a replay).
    /// @param batches Signed groups of steps.
    /// @return stepIds The steps' digests, in order across groups (zero for skipped groups).
    function logSignedSteps(SignedSteps[] calldata batches) external returns (bytes32[] memory stepIds);

    /// @notice Invalidates every outstanding signature of the caller with a nonce below `newNonce`.
    /// @param newNonce The next nonce the caller will sign with; must exceed the current one.
    function increaseNonce(uint256 newNonce) external;

    /// @notice Records the trace's current head as pinned, so a report can be proven against it
    /// even if other steps are appended before the report lands. Anyone may pin.
    /// @param traceId A trace with at least one step.
    /// @return head The pinned head.
    function pinTraceHead(bytes32 traceId) external returns (bytes32 head);

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Operator bonds
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Posts or tops up the caller's operator bond. Native collateral: send exactly
    /// `amount` as value. ERC-20: approve first; exactly `amount` must arrive.
    /// @param amount Collateral to add (> 0); the resulting active bond must reach the minimum.
    function bond(uint256 amount) external payable;

    /// @notice Starts unbonding `amount` of the caller's bond. The amount stays slashable and
    /// can be withdrawn with {withdrawBond} after the unbonding delay, counted from this call.
    /// @param amount Amount to unbond (> 0, at most the bond not already unbonding).
    function startUnbonding(uint256 amount) external;

    /// @notice Moves the caller's unbonded collateral (what is left of it after slashing) to its
    /// credits. Reverts while the delay runs or while failures are open against its steps.
    function withdrawBond() external;

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Failures
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Reports a failed step, posting the reporter bond (native: as value). Each reporter
    /// may report a step once; nobody can stop another reporter (the affected party, say) from
    /// reporting the same step, so a report cannot be pre-empted by a decoy.
    /// @param report What failed, who is affected and the compensation asked.
    /// @param proof The step's fields and the body hashes of the steps after it.
    /// @return failureId The new failure's id (ids start at 1).
    function reportFailure(
        FailureReport calldata report,
        StepProof calldata proof
    ) external payable returns (uint256 failureId);

    /// @notice Stakes the failure's compensation to become its accountable party. Open to any
    /// address during the claim window (deadline inclusive).
    /// @param failureId A Reported failure.
    function claimResponsibility(uint256 failureId) external payable;

    /// @notice Contests a failure so the arbiter rules on it. The step's actor may contest a
    /// Reported failure during the claim window (it becomes accountable, its bond locked as in a
    /// fallback); the accountable party may contest during the resolution window.
    /// @param failureId The failure.
    /// @param reasonDigest Digest of the grounds for contesting.
    /// @param reasonUri Optional pointer to them.
    function contest(uint256 failureId, bytes32 reasonDigest, string calldata reasonUri) external;

    /// @notice After the claim window of an unclaimed failure, makes the step's actor
    /// accountable and locks its bond for the compensation. Anyone may call; a short bond is
    /// recorded as a shortfall, never a revert.
    /// @param failureId A Reported failure past its claim deadline.
    function assignFallback(uint256 failureId) external;

    /// @notice Locks more of the actor's bond behind an open failure it backs (Assigned, or
    /// Contested / RemedyProposed with bond collateral) that has a shortfall — for example after
    /// the actor topped up its bond, or collateral came back from another failure. Anyone may
    /// call; it locks up to the shortfall and never more than the bond holds.
    /// @param failureId The failure.
    /// @return collected The amount moved from the bond into the failure's collateral.
    function collectShortfall(uint256 failureId) external returns (uint256 collected);

    /// @notice The accountable party pays: its collateral goes to the beneficiary and the
    /// reporter's bond back to the reporter. During the resolution window. For collateral
    /// locked from the actor's bond, free bond is locked for any shortfall first, and the call
    /// reverts with {ShortfallOutstanding} while part of the compensation is still unbacked.
    /// @param failureId A Claimed or Assigned failure.
    function compensate(uint256 failureId) external;

    /// @notice The accountable party proposes a remedy instead of paying; the beneficiary then
    /// has the remedy window to accept or reject it. During the resolution window.
    /// @param failureId A Claimed or Assigned failure.
    /// @param remedyDigest Digest of the remedy.
    /// @param remedyUri Optional pointer to it.
    function proposeRemedy(uint256 failureId, bytes32 remedyDigest, string calldata remedyUri) external;

    /// @notice The beneficiary accepts the remedy: collateral returns to the accountable party,
    /// the reporter's bond to the reporter.
    /// @param failureId A failure with a proposed remedy, within the remedy window.
    function acceptRemedy(uint256 failureId) external;

    /// @notice The beneficiary rejects the remedy; the failure goes to the arbiter.
    /// @param failureId A failure with a proposed remedy, within the remedy window.
    function rejectRemedy(uint256 failureId) external;

    /// @notice After a remedy window passes in silence, closes the failure as Remedied. Anyone.
    /// @param failureId A failure with a proposed remedy, past the remedy window.
    function finalizeRemedy(uint256 failureId) external;

    /// @notice After a resolution window passes with nothing done, pays the beneficiary from
    /// the accountable party's collateral. Anyone — but for a bond-backed failure free bond is
    /// locked for any shortfall first, and while a shortfall remains only the beneficiary may
    /// enforce (it may prefer to wait for bond locked elsewhere to return) until the unbonding
    /// delay after the resolution deadline has passed.
    /// @param failureId A Claimed or Assigned failure past its resolution deadline.
    function enforce(uint256 failureId) external;

    /// @notice The failure's arbiter rules: Valid pays the beneficiary (locking free bond for a
    /// bond-backed failure's shortfall first); Invalid awards the
    /// reporter's bond to the accused actor (less the treasury share) and returns collateral;
    /// Refused draws (everything returns).
    /// @param failureId A Contested failure within its arbitration timeout.
    /// @param ruling Valid, Invalid or Refused.
    function rule(uint256 failureId, Ruling ruling) external;

    /// @notice After the arbitration timeout passes without a ruling, closes the failure as
    /// Drawn (everything returns). Anyone.
    /// @param failureId A Contested failure past its arbitration deadline.
    function expireArbitration(uint256 failureId) external;

    /// @notice Pays out all of the caller's credits to `to`. The only way value leaves.
    /// @param to Recipient (non-zero).
    /// @return amount The amount sent.
    function withdraw(address to) external returns (uint256 amount);

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Admin (owner)
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Sets new parameters (checked against hard bounds) as a new version; failures
    /// already reported keep theirs.
    function setParameters(Parameters calldata newParameters) external;

    /// @notice Sets the smallest active bond an operator may hold after bonding; in a gated
    /// deployment also the active bond an address needs to log steps (0 = anyone may log).
    function setMinimumOperatorBond(uint128 newMinimum) external;

    /// @notice Pauses (true) or resumes (false) new reports and claims, and in a gated deployment
    /// new logs. Settlement, contests, unbonding and withdrawals are never paused.
    function setPaused(bool paused) external;

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // Views
    // ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Largest number of steps in one batch call.
    function MAX_BATCH_SIZE() external view returns (uint256);

    /// @notice Whether logging is gated (fixed at deployment): a gated registry checks the pause
    /// flag and the minimum operator bond on every logging call; an open one checks neither, so
    /// logging costs no storage read besides the trace head, and only reports and claims pause.
    function gatedLogging() external view returns (bool);

    /// @notice The collateral asset: an ERC-20, or address(0) for the native currency.
    function collateralToken() external view returns (address);

    /// @notice The trace's head: the digest of its last step (zero for an empty trace).
    function traceHead(bytes32 traceId) external view returns (bytes32);

    /// @notice Whether `head` was pinned for `traceId` with {pinTraceHead}.
    function isPinnedHead(bytes32 traceId, bytes32 head) external view returns (bool);

    /// @notice The nonce `signer` must use in its next signed batch.
    function nonces(address signer) external view returns (uint256);

    /// @notice The EIP-712 digest a signer signs for a {SignedSteps} group.
    function signedStepsDigest(
        address actor,
        Step[] calldata steps,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32);

    /// @notice The current parameters and their version.
    function parameters() external view returns (Parameters memory current, uint32 version);

    /// @notice The parameters of a given version (zeros for an unknown version).
    function parametersAt(uint32 version) external view returns (Parameters memory);

    /// @notice The smallest active bond after bonding; in a gated deployment, needed to log.
    function minimumOperatorBond() external view returns (uint256);

    /// @notice Whether new reports and claims (and logs, if gated) are paused.
    function paused() external view returns (bool);

    /// @notice An operator's bond.
    function bondOf(address operator) external view returns (OperatorBond memory);

    /// @notice A failure's full state (state None for an unknown id; never reverts).
    function failure(uint256 failureId) external view returns (Failure memory);

    /// @notice Number of failures reported so far (the highest id).
    function failureCount() external view returns (uint256);

    /// @notice The failure `reporter` filed against a step (0 if none).
    function failureOfStep(bytes32 stepId, address reporter) external view returns (uint256);

    /// @notice An address's record.
    function ledgerOf(address account) external view returns (Ledger memory);

    /// @notice Collateral credited to `account` and not yet withdrawn.
    function creditOf(address account) external view returns (uint256);

    /// @notice What the contract owes, by kind; its balance of the collateral is at least the sum.
    function totals() external view returns (Totals memory);
}
