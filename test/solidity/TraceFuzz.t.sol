// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {ResponsibilityRegistry} from "../../contracts/ResponsibilityRegistry.sol";
import {IResponsibilityRegistry} from "../../contracts/interfaces/IResponsibilityRegistry.sol";
import {TestParameters} from "./utils/TestParameters.sol";

/// @notice Fuzz tests of the trace: any sequence of steps folds to the head an independent
/// in-test model computes, and single, batch and signed logging agree.
contract TraceFuzzTest is Test {
    ResponsibilityRegistry internal registry;
    ResponsibilityRegistry internal twin;

    bytes32[3] internal traceIds = [keccak256("trace a"), keccak256("trace b"), keccak256("trace c")];
    address[3] internal actors;
    uint256[3] internal actorKeys = [uint256(0xA11CE), uint256(0xB0B), uint256(0xC0FFEE)];

    /// @dev The model: heads recomputed with plain abi.encode, independent of StepHashing's assembly.
    mapping(bytes32 traceId => bytes32 head) internal modelHeads;

    function setUp() public {
        registry = _deploy();
        twin = _deploy();
        for (uint256 i; i < 3; ++i) actors[i] = vm.addr(actorKeys[i]);
    }

    function testFuzz_anySequenceFoldsToTheModelHead(uint256 seed, uint8 count) public {
        count = uint8(_bound(count, 1, 40));
        // Track time locally: with via-IR the compiler may reuse a block.timestamp read across
        // vm.warp calls in this frame (the registry, called externally, always sees the warp).
        uint256 timestamp = block.timestamp;
        for (uint256 i; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            bytes32 traceId = traceIds[r % 3];
            address actor = actors[(r >> 8) % 3];
            IResponsibilityRegistry.Step memory step = _step(traceId, r);
            timestamp += (r >> 16) % 1000;
            vm.warp(timestamp);

            vm.prank(actor);
            bytes32 stepId = registry.logStep(step);

            bytes32 expected = _modelAppend(step, actor, timestamp);
            assertEq(stepId, expected, "step id");
            assertEq(registry.traceHead(traceId), expected, "head");
        }
    }

    function testFuzz_batchAndSingleLoggingGiveTheSameHeads(uint256 seed, uint8 count) public {
        count = uint8(_bound(count, 1, 30));
        IResponsibilityRegistry.Step[] memory steps = new IResponsibilityRegistry.Step[](count);
        for (uint256 i; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            steps[i] = _step(traceIds[r % 3], r);
        }
        vm.prank(actors[0]);
        bytes32[] memory batchIds = registry.logSteps(steps);
        for (uint256 i; i < count; ++i) {
            vm.prank(actors[0]);
            assertEq(twin.logStep(steps[i]), batchIds[i], "step id");
        }
        for (uint256 t; t < 3; ++t) assertEq(registry.traceHead(traceIds[t]), twin.traceHead(traceIds[t]));
    }

    function testFuzz_signedLoggingMatchesDirectLogging(uint256 seed, uint8 count, uint8 signerIndex) public {
        count = uint8(_bound(count, 1, 20));
        uint256 who = _bound(signerIndex, 0, 2);
        IResponsibilityRegistry.Step[] memory steps = new IResponsibilityRegistry.Step[](count);
        for (uint256 i; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            steps[i] = _step(traceIds[r % 3], r);
        }
        IResponsibilityRegistry.SignedSteps[] memory batches = new IResponsibilityRegistry.SignedSteps[](1);
        batches[0] = _sign(registry, who, steps, 0, uint64(block.timestamp));

        vm.prank(makeAddr("relayer"));
        bytes32[] memory signedIds = registry.logSignedSteps(batches);
        vm.prank(actors[who]);
        bytes32[] memory directIds = twin.logSteps(steps);
        assertEq(signedIds, directIds);
        assertEq(registry.nonces(actors[who]), 1);
    }

    function testFuzz_invalidKindsRevert(uint8 kind) public {
        kind = uint8(_bound(kind, 4, type(uint8).max));
        IResponsibilityRegistry.Step memory step = _step(traceIds[0], 0);
        step.kind = kind;
        vm.expectRevert(abi.encodeWithSelector(IResponsibilityRegistry.InvalidStepKind.selector, 0, kind));
        registry.logStep(step);
    }

    // ── helpers ───────────────────────────────────────────────────────────────────────────────

    function _deploy() internal returns (ResponsibilityRegistry) {
        return
            new ResponsibilityRegistry(
                address(0),
                TestParameters.standard(makeAddr("arbiter"), makeAddr("treasury")),
                false,
                0,
                address(this)
            );
    }

    function _step(bytes32 traceId, uint256 r) internal pure returns (IResponsibilityRegistry.Step memory) {
        return
            IResponsibilityRegistry.Step({
                traceId: traceId,
                kind: uint8((r >> 24) % 4),
                inputDigest: keccak256(abi.encode("input", r)),
                outputDigest: keccak256(abi.encode("output", r)),
                uri: (r >> 32) % 2 == 0 ? "" : string(abi.encodePacked("ipfs://", keccak256(abi.encode(r))))
            });
    }

    function _modelAppend(
        IResponsibilityRegistry.Step memory step,
        address actor,
        uint256 timestamp
    ) internal returns (bytes32 head) {
        bytes32 body = keccak256(
            abi.encode(
                step.traceId,
                step.kind,
                actor,
                step.inputDigest,
                step.outputDigest,
                keccak256(bytes(step.uri)),
                uint64(timestamp)
            )
        );
        head = keccak256(abi.encode(modelHeads[step.traceId], body));
        modelHeads[step.traceId] = head;
    }

    function _sign(
        ResponsibilityRegistry target,
        uint256 who,
        IResponsibilityRegistry.Step[] memory steps,
        uint256 nonce,
        uint64 deadline
    ) internal view returns (IResponsibilityRegistry.SignedSteps memory) {
        bytes32 digest = target.signedStepsDigest(actors[who], steps, nonce, deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(actorKeys[who], digest);
        return
            IResponsibilityRegistry.SignedSteps({
                actor: actors[who],
                steps: steps,
                nonce: nonce,
                deadline: deadline,
                signature: abi.encodePacked(r, s, v)
            });
    }
}
