// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IResponsibilityRegistry} from "../interfaces/IResponsibilityRegistry.sol";

/// @title StepLogBaseline — benchmark floor for step logging (bench only, never deployed)
/// @notice Takes exactly the calldata of the registry's logging functions and emits exactly its
/// `StepLogged` event, and does nothing else: no storage, no hashing, no checks. `npm run bench`
/// divides the registry's gas by this contract's gas, measured in the same run.
contract StepLogBaseline {
    function logStep(IResponsibilityRegistry.Step calldata step) external returns (bytes32) {
        _emit(msg.sender, step);
        return step.traceId;
    }

    function logSteps(IResponsibilityRegistry.Step[] calldata steps) external returns (bytes32[] memory ids) {
        ids = new bytes32[](steps.length);
        for (uint256 i; i < steps.length; ++i) {
            _emit(msg.sender, steps[i]);
            ids[i] = steps[i].traceId;
        }
    }

    function logSignedSteps(
        IResponsibilityRegistry.SignedSteps[] calldata batches
    ) external returns (bytes32[] memory ids) {
        uint256 total;
        for (uint256 g; g < batches.length; ++g) total += batches[g].steps.length;
        ids = new bytes32[](total);
        uint256 index;
        for (uint256 g; g < batches.length; ++g) {
            for (uint256 i; i < batches[g].steps.length; ++i) {
                _emit(batches[g].actor, batches[g].steps[i]);
                ids[index++] = batches[g].steps[i].traceId;
            }
        }
    }

    function _emit(address actor, IResponsibilityRegistry.Step calldata step) private {
        emit IResponsibilityRegistry.StepLogged(
            step.traceId,
            step.traceId,
            actor,
            IResponsibilityRegistry.StepKind(step.kind),
            step.inputDigest,
            step.outputDigest,
            uint64(block.timestamp),
            step.uri
        );
    }
}
