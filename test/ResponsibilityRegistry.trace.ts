import { expect } from "chai";
import { network } from "hardhat";
import {
  buildStepProof,
  computeStepId,
  foldTrace,
  hashUri,
  mutableTypes,
  registryDomain,
  signedStepsDigest,
  stepBodyHash,
  ZERO_HASH,
  type Hex,
  type StepInput,
} from "../sdk/hashing.js";
import { anyHex, anyUint } from "./helpers/matchers.js";
import {
  deployRegistry,
  loggedStepIds,
  makeStep,
  SAMPLE_URI as SAMPLE,
  traceFromEvents,
  type Ethers,
} from "./helpers/registry.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const TRACE = ethers.id("inference #1");
const OTHER_TRACE = ethers.id("inference #2");

async function openRegistry() {
  const deployed = await deployRegistry(ethers);
  const signers = await ethers.getSigners();
  return { ...deployed, node: signers[3], other: signers[4], relayer: signers[5], signers };
}

async function gatedRegistry() {
  const deployed = await deployRegistry(ethers, { gated: true, minimumOperatorBond: 10n ** 18n });
  const signers = await ethers.getSigners();
  return { ...deployed, node: signers[3], other: signers[4], relayer: signers[5] };
}

/** Signs `steps` for `signer` with the registry's domain (or an overridden one). */
async function signSteps(
  registryAddress: string,
  signer: Awaited<ReturnType<Ethers["getSigners"]>>[number],
  steps: StepInput[],
  options: {
    actor?: string;
    nonce?: bigint;
    deadline?: bigint;
    chainId?: bigint;
    verifyingContract?: string;
  } = {},
) {
  const chainId = options.chainId ?? (await ethers.provider.getNetwork()).chainId;
  const domain = registryDomain(chainId, options.verifyingContract ?? registryAddress);
  const message = {
    actor: options.actor ?? signer.address,
    steps,
    nonce: options.nonce ?? 0n,
    deadline: options.deadline ?? 2n ** 40n,
  };
  const signature = await signer.signTypedData(domain, mutableTypes(), message);
  return { ...message, signature };
}

describe("ResponsibilityRegistry — trace", function () {
  describe("logStep", function () {
    it("appends a step, attributes it to the sender and emits StepLogged with the new head", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      const step = makeStep(ethers, TRACE, 0, 0);
      const loggedAt = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(loggedAt);
      const expectedId = computeStepId(
        ZERO_HASH,
        stepBodyHash({ ...step, actor: node.address, uriHash: hashUri(step.uri), loggedAt }),
      );

      await expect(registry.connect(node).logStep(step))
        .to.emit(registry, "StepLogged")
        .withArgs(
          TRACE,
          expectedId,
          node.address,
          0n,
          step.inputDigest,
          step.outputDigest,
          loggedAt,
          step.uri,
        );
      expect(await registry.traceHead(TRACE)).to.equal(expectedId);
    });

    it("returns the step id, which folds in the previous head", async function () {
      const { registry, node, other } = await loadFixture(openRegistry);
      await registry.connect(node).logStep(makeStep(ethers, TRACE, 0));
      const first = (await registry.traceHead(TRACE)) as Hex;
      const second = makeStep(ethers, TRACE, 1, 2);
      const loggedAt = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(loggedAt);
      const returned = await registry.connect(other).logStep.staticCall(second, { blockTag: "pending" });
      const body = stepBodyHash({ ...second, actor: other.address, uriHash: hashUri(second.uri), loggedAt });
      expect(returned).to.equal(computeStepId(first, body));
      await registry.connect(other).logStep(second);
      expect(await registry.traceHead(TRACE)).to.equal(returned);
    });

    it("accepts every step kind and an empty URI", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      for (const kind of [0, 1, 2, 3]) {
        await expect(registry.connect(node).logStep(makeStep(ethers, TRACE, kind, kind, "")))
          .to.emit(registry, "StepLogged")
          .withArgs(TRACE, anyHex, node.address, BigInt(kind), anyHex, anyHex, anyUint, "");
      }
    });

    it("keeps traces independent", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      await registry.connect(node).logStep(makeStep(ethers, TRACE, 0));
      const head = await registry.traceHead(TRACE);
      await registry.connect(node).logStep(makeStep(ethers, OTHER_TRACE, 0));
      expect(await registry.traceHead(TRACE)).to.equal(head);
      expect(await registry.traceHead(OTHER_TRACE)).to.not.equal(ZERO_HASH);
    });

    it("reverts when the trace id is zero", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      await expect(registry.connect(node).logStep(makeStep(ethers, ZERO_HASH, 0)))
        .to.be.revertedWithCustomError(registry, "ZeroTraceId")
        .withArgs(0n);
    });

    it("reverts when the kind is outside StepKind", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      await expect(registry.connect(node).logStep(makeStep(ethers, TRACE, 0, 4)))
        .to.be.revertedWithCustomError(registry, "InvalidStepKind")
        .withArgs(0n, 4n);
    });

    it("is not paused in an open deployment", async function () {
      const { registry, owner, node } = await loadFixture(openRegistry);
      await registry.connect(owner).setPaused(true);
      await expect(registry.connect(node).logStep(makeStep(ethers, TRACE, 0))).to.emit(
        registry,
        "StepLogged",
      );
    });

    describe("in a gated deployment", function () {
      it("reverts when the actor's active bond is below the minimum", async function () {
        const { registry, node } = await loadFixture(gatedRegistry);
        await expect(registry.connect(node).logStep(makeStep(ethers, TRACE, 0)))
          .to.be.revertedWithCustomError(registry, "OperatorBondTooLow")
          .withArgs(node.address, 0n, 10n ** 18n);
      });

      it("logs once the actor is bonded, and stops when it starts unbonding", async function () {
        const { registry, node } = await loadFixture(gatedRegistry);
        await registry.connect(node).bond(10n ** 18n, { value: 10n ** 18n });
        await expect(registry.connect(node).logStep(makeStep(ethers, TRACE, 0))).to.emit(
          registry,
          "StepLogged",
        );
        await registry.connect(node).startUnbonding(1n);
        await expect(registry.connect(node).logStep(makeStep(ethers, TRACE, 1)))
          .to.be.revertedWithCustomError(registry, "OperatorBondTooLow")
          .withArgs(node.address, 10n ** 18n - 1n, 10n ** 18n);
      });

      it("reverts while paused and resumes after", async function () {
        const { registry, owner, node } = await loadFixture(gatedRegistry);
        await registry.connect(node).bond(10n ** 18n, { value: 10n ** 18n });
        await expect(registry.connect(owner).setPaused(true)).to.emit(registry, "PauseSet").withArgs(true);
        await expect(
          registry.connect(node).logStep(makeStep(ethers, TRACE, 0)),
        ).to.be.revertedWithCustomError(registry, "RegistryPaused");
        await expect(
          registry.connect(node).logSteps([makeStep(ethers, TRACE, 0)]),
        ).to.be.revertedWithCustomError(registry, "RegistryPaused");
        await registry.connect(owner).setPaused(false);
        await expect(registry.connect(node).logStep(makeStep(ethers, TRACE, 0))).to.emit(
          registry,
          "StepLogged",
        );
      });

      it("logs for anyone when the minimum is set to zero", async function () {
        const { registry, owner, other } = await loadFixture(gatedRegistry);
        await expect(registry.connect(owner).setMinimumOperatorBond(0n))
          .to.emit(registry, "MinimumOperatorBondUpdated")
          .withArgs(10n ** 18n, 0n);
        await expect(registry.connect(other).logStep(makeStep(ethers, TRACE, 0))).to.emit(
          registry,
          "StepLogged",
        );
      });
    });
  });

  describe("logSteps", function () {
    it("appends steps across traces in order, all attributed to the sender", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      const steps = [0, 1, 2, 3].map((n) => makeStep(ethers, n % 2 === 0 ? TRACE : OTHER_TRACE, n, n));
      const tx = registry.connect(node).logSteps(steps);
      const stepIds = await loggedStepIds(registry, tx);
      for (let i = 0; i < steps.length; i++) {
        await expect(tx)
          .to.emit(registry, "StepLogged")
          .withArgs(
            steps[i].traceId,
            stepIds[i],
            node.address,
            BigInt(steps[i].kind),
            anyHex,
            anyHex,
            anyUint,
            SAMPLE,
          );
      }
      expect(await registry.traceHead(TRACE)).to.equal(stepIds[2]);
      expect(await registry.traceHead(OTHER_TRACE)).to.equal(stepIds[3]);
    });

    it("gives the same head as logging the same steps one by one", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      const steps = [0, 1, 2].map((n) => makeStep(ethers, TRACE, n));
      const { registry: single } = await deployRegistry(ethers);
      await networkHelpers.mine(); // keep the timestamps apart from the batch below
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        await registry.connect(node).logSteps(steps);
        for (const step of steps) await single.connect(node).logStep(step);
        await networkHelpers.mine();
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      expect(await single.traceHead(TRACE)).to.equal(await registry.traceHead(TRACE));
    });

    it("accepts exactly MAX_BATCH_SIZE steps", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      const max = Number(await registry.MAX_BATCH_SIZE());
      const steps = Array.from({ length: max }, (_, n) => makeStep(ethers, TRACE, n, n % 4, ""));
      await registry.connect(node).logSteps(steps);
      const { head } = foldTrace((await traceFromEvents(registry, TRACE)).map((step) => step.body));
      expect(await registry.traceHead(TRACE)).to.equal(head);
    });

    it("reverts above MAX_BATCH_SIZE", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      const max = await registry.MAX_BATCH_SIZE();
      const steps = Array.from({ length: Number(max) + 1 }, (_, n) => makeStep(ethers, TRACE, n, 1, ""));
      await expect(registry.connect(node).logSteps(steps))
        .to.be.revertedWithCustomError(registry, "BatchTooLarge")
        .withArgs(max + 1n, max);
    });

    it("reverts on an empty batch", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      await expect(registry.connect(node).logSteps([])).to.be.revertedWithCustomError(registry, "EmptyBatch");
    });

    it("reverts with the index of a step with a zero trace id or a bad kind, logging nothing", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      const good = makeStep(ethers, TRACE, 0);
      await expect(registry.connect(node).logSteps([good, good, makeStep(ethers, ZERO_HASH, 2)]))
        .to.be.revertedWithCustomError(registry, "ZeroTraceId")
        .withArgs(2n);
      await expect(registry.connect(node).logSteps([good, makeStep(ethers, TRACE, 1, 9)]))
        .to.be.revertedWithCustomError(registry, "InvalidStepKind")
        .withArgs(1n, 9n);
      expect(await registry.traceHead(TRACE)).to.equal(ZERO_HASH);
    });

    it("reverts in a gated deployment for an unbonded sender", async function () {
      const { registry, node } = await loadFixture(gatedRegistry);
      await expect(registry.connect(node).logSteps([makeStep(ethers, TRACE, 0)]))
        .to.be.revertedWithCustomError(registry, "OperatorBondTooLow")
        .withArgs(node.address, 0n, 10n ** 18n);
    });
  });

  describe("logSignedSteps", function () {
    it("attributes each group to its signer, not the relayer, and consumes the nonce", async function () {
      const { registry, node, other, relayer } = await loadFixture(openRegistry);
      const address = await registry.getAddress();
      const a = await signSteps(address, node, [
        makeStep(ethers, TRACE, 0, 0),
        makeStep(ethers, TRACE, 1, 1),
      ]);
      const b = await signSteps(address, other, [makeStep(ethers, TRACE, 2, 2)]);
      const tx = registry.connect(relayer).logSignedSteps([a, b]);
      const stepIds = await loggedStepIds(registry, tx);
      await expect(tx)
        .to.emit(registry, "StepLogged")
        .withArgs(TRACE, stepIds[0], node.address, 0n, anyHex, anyHex, anyUint, SAMPLE);
      await expect(tx)
        .to.emit(registry, "StepLogged")
        .withArgs(TRACE, stepIds[1], node.address, 1n, anyHex, anyHex, anyUint, SAMPLE);
      await expect(tx)
        .to.emit(registry, "StepLogged")
        .withArgs(TRACE, stepIds[2], other.address, 2n, anyHex, anyHex, anyUint, SAMPLE);
      expect(await registry.nonces(node.address)).to.equal(1n);
      expect(await registry.nonces(other.address)).to.equal(1n);
      expect(await registry.nonces(relayer.address)).to.equal(0n);
      const trace = await traceFromEvents(registry, TRACE);
      expect(trace.map((step) => step.body.actor)).to.deep.equal([node.address, node.address, other.address]);
      expect(foldTrace(trace.map((step) => step.body)).head).to.equal(await registry.traceHead(TRACE));
    });

    it("matches the off-chain EIP-712 digest", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      const steps = [makeStep(ethers, TRACE, 0, 0), makeStep(ethers, OTHER_TRACE, 1, 3, "ünïcødé ✓")];
      const domain = registryDomain(
        (await ethers.provider.getNetwork()).chainId,
        await registry.getAddress(),
      );
      const message = { actor: node.address, steps, nonce: 7n, deadline: 1_900_000_000n };
      expect(await registry.signedStepsDigest(node.address, steps, 7n, 1_900_000_000n)).to.equal(
        signedStepsDigest(domain, message),
      );
    });

    it("accepts a signature at its deadline and rejects it one second later", async function () {
      const { registry, node, relayer } = await loadFixture(openRegistry);
      const address = await registry.getAddress();
      const deadline = BigInt(await time.latest()) + 100n;
      const first = await signSteps(address, node, [makeStep(ethers, TRACE, 0)], { deadline });
      await time.setNextBlockTimestamp(deadline);
      await expect(registry.connect(relayer).logSignedSteps([first])).to.emit(registry, "StepLogged");

      const late = await signSteps(address, node, [makeStep(ethers, TRACE, 1)], { nonce: 1n, deadline });
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(registry.connect(relayer).logSignedSteps([late]))
        .to.be.revertedWithCustomError(registry, "SignatureExpired")
        .withArgs(node.address, deadline, deadline + 1n);
    });

    it("reverts on a replayed signature", async function () {
      const { registry, node, relayer } = await loadFixture(openRegistry);
      const signed = await signSteps(await registry.getAddress(), node, [makeStep(ethers, TRACE, 0)]);
      await registry.connect(relayer).logSignedSteps([signed]);
      await expect(registry.connect(relayer).logSignedSteps([signed]))
        .to.be.revertedWithCustomError(registry, "InvalidNonce")
        .withArgs(node.address, 1n, 0n);
    });

    it("reverts on a nonce ahead of the signer's next one, even beside a fresh group", async function () {
      const { registry, node, other, relayer } = await loadFixture(openRegistry);
      const address = await registry.getAddress();
      const ahead = await signSteps(address, node, [makeStep(ethers, TRACE, 0)], { nonce: 1n });
      await expect(registry.connect(relayer).logSignedSteps([ahead]))
        .to.be.revertedWithCustomError(registry, "InvalidNonce")
        .withArgs(node.address, 0n, 1n);
      // A skipped group is only ever a replay: one from the future fails the whole call.
      const fresh = await signSteps(address, other, [makeStep(ethers, OTHER_TRACE, 0)]);
      await expect(registry.connect(relayer).logSignedSteps([fresh, ahead]))
        .to.be.revertedWithCustomError(registry, "InvalidNonce")
        .withArgs(node.address, 0n, 1n);
      expect(await registry.nonces(node.address)).to.equal(0n);
    });

    it("reverts when the signature is from someone else than the named actor", async function () {
      const { registry, node, other, relayer } = await loadFixture(openRegistry);
      const forged = await signSteps(await registry.getAddress(), other, [makeStep(ethers, TRACE, 0)], {
        actor: node.address,
      });
      await expect(registry.connect(relayer).logSignedSteps([forged]))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(node.address);
    });

    it("reverts when the signature is for another chain or another registry", async function () {
      const { registry, node, relayer } = await loadFixture(openRegistry);
      const address = await registry.getAddress();
      const steps = [makeStep(ethers, TRACE, 0)];
      const otherChain = await signSteps(address, node, steps, { chainId: 1n });
      await expect(registry.connect(relayer).logSignedSteps([otherChain]))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(node.address);
      const otherRegistry = await signSteps(address, node, steps, { verifyingContract: relayer.address });
      await expect(registry.connect(relayer).logSignedSteps([otherRegistry]))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(node.address);
    });

    it("reverts when a signed step was altered", async function () {
      const { registry, node, relayer } = await loadFixture(openRegistry);
      const signed = await signSteps(await registry.getAddress(), node, [makeStep(ethers, TRACE, 0)]);
      const altered = { ...signed, steps: [{ ...signed.steps[0], uri: "ipfs://something-else" }] };
      await expect(registry.connect(relayer).logSignedSteps([altered]))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(node.address);
    });

    it("reverts for every signature of a signer that increased its nonce past them", async function () {
      const { registry, node, relayer } = await loadFixture(openRegistry);
      const address = await registry.getAddress();
      const outstanding = await signSteps(address, node, [makeStep(ethers, TRACE, 0)], { nonce: 0n });
      await expect(registry.connect(node).increaseNonce(5n))
        .to.emit(registry, "NonceIncreased")
        .withArgs(node.address, 0n, 5n);
      await expect(registry.connect(relayer).logSignedSteps([outstanding]))
        .to.be.revertedWithCustomError(registry, "InvalidNonce")
        .withArgs(node.address, 5n, 0n);
      const fresh = await signSteps(address, node, [makeStep(ethers, TRACE, 0)], { nonce: 5n });
      await expect(registry.connect(relayer).logSignedSteps([fresh])).to.emit(registry, "StepLogged");
    });

    it("accepts an ERC-1271 wallet's signature and attributes the steps to the wallet", async function () {
      const { registry, node, other, relayer } = await loadFixture(openRegistry);
      const wallet = await ethers.deployContract("MockERC1271Wallet", [node.address]);
      const walletAddress = await wallet.getAddress();
      const address = await registry.getAddress();
      const signed = await signSteps(address, node, [makeStep(ethers, TRACE, 0)], { actor: walletAddress });
      await expect(registry.connect(relayer).logSignedSteps([signed]))
        .to.emit(registry, "StepLogged")
        .withArgs(TRACE, anyHex, walletAddress, 1n, anyHex, anyHex, anyUint, SAMPLE);
      expect(await registry.nonces(walletAddress)).to.equal(1n);

      const notOwner = await signSteps(address, other, [makeStep(ethers, TRACE, 1)], {
        actor: walletAddress,
        nonce: 1n,
      });
      await expect(registry.connect(relayer).logSignedSteps([notOwner]))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(walletAddress);
    });

    it("reverts on no groups, an empty group and too many steps in all", async function () {
      const { registry, node, other, relayer } = await loadFixture(openRegistry);
      const address = await registry.getAddress();
      await expect(registry.connect(relayer).logSignedSteps([])).to.be.revertedWithCustomError(
        registry,
        "EmptyBatch",
      );
      const empty = await signSteps(address, node, []);
      await expect(registry.connect(relayer).logSignedSteps([empty])).to.be.revertedWithCustomError(
        registry,
        "EmptyBatch",
      );
      const max = Number(await registry.MAX_BATCH_SIZE());
      const half = Array.from({ length: max / 2 }, (_, n) => makeStep(ethers, TRACE, n, 1, ""));
      const a = await signSteps(address, node, half);
      const b = await signSteps(address, other, [...half, makeStep(ethers, TRACE, max)]);
      await expect(registry.connect(relayer).logSignedSteps([a, b]))
        .to.be.revertedWithCustomError(registry, "BatchTooLarge")
        .withArgs(BigInt(max + 1), BigInt(max));
    });

    it("checks each signer's bond in a gated deployment, never the relayer's", async function () {
      const { registry, node, relayer } = await loadFixture(gatedRegistry);
      await registry.connect(relayer).bond(10n ** 18n, { value: 10n ** 18n });
      const signed = await signSteps(await registry.getAddress(), node, [makeStep(ethers, TRACE, 0)]);
      await expect(registry.connect(relayer).logSignedSteps([signed]))
        .to.be.revertedWithCustomError(registry, "OperatorBondTooLow")
        .withArgs(node.address, 0n, 10n ** 18n);
      await registry.connect(node).bond(10n ** 18n, { value: 10n ** 18n });
      await expect(registry.connect(relayer).logSignedSteps([signed])).to.emit(registry, "StepLogged");
    });

    it("reverts while paused in a gated deployment", async function () {
      const { registry, owner, node, relayer } = await loadFixture(gatedRegistry);
      await registry.connect(node).bond(10n ** 18n, { value: 10n ** 18n });
      await registry.connect(owner).setPaused(true);
      const signed = await signSteps(await registry.getAddress(), node, [makeStep(ethers, TRACE, 0)]);
      await expect(registry.connect(relayer).logSignedSteps([signed])).to.be.revertedWithCustomError(
        registry,
        "RegistryPaused",
      );
    });
  });

  describe("increaseNonce", function () {
    it("reverts unless the new nonce is higher", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      await expect(registry.connect(node).increaseNonce(0n))
        .to.be.revertedWithCustomError(registry, "NonceNotIncreased")
        .withArgs(node.address, 0n, 0n);
      await registry.connect(node).increaseNonce(3n);
      await expect(registry.connect(node).increaseNonce(2n))
        .to.be.revertedWithCustomError(registry, "NonceNotIncreased")
        .withArgs(node.address, 3n, 2n);
      expect(await registry.nonces(node.address)).to.equal(3n);
    });
  });

  describe("pinTraceHead", function () {
    it("pins the current head for anyone", async function () {
      const { registry, node, other } = await loadFixture(openRegistry);
      await registry.connect(node).logStep(makeStep(ethers, TRACE, 0));
      const head = await registry.traceHead(TRACE);
      expect(await registry.connect(other).pinTraceHead.staticCall(TRACE)).to.equal(head);
      await expect(registry.connect(other).pinTraceHead(TRACE))
        .to.emit(registry, "TraceHeadPinned")
        .withArgs(TRACE, head, other.address);
      expect(await registry.isPinnedHead(TRACE, head)).to.equal(true);
      expect(await registry.isPinnedHead(OTHER_TRACE, head)).to.equal(false);
    });

    it("reverts for an empty trace", async function () {
      const { registry, other } = await loadFixture(openRegistry);
      await expect(registry.connect(other).pinTraceHead(TRACE))
        .to.be.revertedWithCustomError(registry, "EmptyTrace")
        .withArgs(TRACE);
    });
  });

  describe("off-chain hashing (sdk/hashing.ts)", function () {
    it("rebuilds every step id and the stored head from events", async function () {
      const { registry, node, other, relayer } = await loadFixture(openRegistry);
      await registry.connect(node).logStep(makeStep(ethers, TRACE, 0, 0));
      await registry
        .connect(other)
        .logSteps([makeStep(ethers, TRACE, 1, 1, ""), makeStep(ethers, TRACE, 2, 2)]);
      const signed = await signSteps(await registry.getAddress(), node, [makeStep(ethers, TRACE, 3, 3, "ü")]);
      await registry.connect(relayer).logSignedSteps([signed]);

      const trace = await traceFromEvents(registry, TRACE);
      const { stepIds, head } = foldTrace(trace.map((step) => step.body));
      expect(stepIds).to.deep.equal(trace.map((step) => step.stepId));
      expect(head).to.equal(await registry.traceHead(TRACE));
    });

    it("builds step proofs that fold to the stored head", async function () {
      const { registry, node } = await loadFixture(openRegistry);
      await registry.connect(node).logSteps([0, 1, 2, 3].map((n) => makeStep(ethers, TRACE, n, n)));
      const bodies = (await traceFromEvents(registry, TRACE)).map((step) => step.body);
      const head = await registry.traceHead(TRACE);
      for (let index = 0; index < bodies.length; index++) {
        const proof = buildStepProof(bodies, index);
        let folded = computeStepId(proof.previousHead, stepBodyHash(bodies[index]));
        for (const later of proof.laterBodyHashes) folded = computeStepId(folded, later);
        expect(folded).to.equal(head);
      }
      expect(() => buildStepProof(bodies, 4)).to.throw(
        RangeError,
        "step index 4 is outside the trace (0..3)",
      );
    });
  });
});
