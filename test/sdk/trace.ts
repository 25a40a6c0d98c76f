import { expect } from "chai";
import { AbiCoder, hexlify, id, recoverAddress, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import {
  createOnusClient,
  foldTrace,
  hashUri,
  ReadOnlyClientError,
  registryDomain,
  signedStepsDigest,
  StepKind,
  verifyTraceSteps,
  ZERO_HASH,
  type Hex,
  type OnusClient,
  type Trace,
  type TraceStep,
} from "../../sdk/index.js";
import { ResponsibilityRegistry__factory } from "../../types/ethers-contracts/index.js";
import {
  clientFor,
  deploySdkWorld,
  expectInvalidInput,
  expectNothingSent,
  expectRevert,
  readerFor,
  step,
  UNIT,
  type SdkWorld,
} from "../helpers/sdk.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const TRACE = id("sdk trace") as Hex;
const OTHER = id("sdk other trace") as Hex;

function openWorld() {
  return deploySdkWorld(ethers);
}
function gatedWorld() {
  return deploySdkWorld(ethers, { gated: true, minimumOperatorBond: UNIT });
}

/** Logs `count` steps of `traceId` as `client` (one batch) and returns the trace. */
async function logTrace(world: SdkWorld, client: OnusClient, traceId: Hex, count: number): Promise<Trace> {
  await client.logSteps({ steps: Array.from({ length: count }, (_, n) => step(traceId, n)) });
  return readerFor(world).getTrace(traceId);
}

function registryOf(world: SdkWorld) {
  return ResponsibilityRegistry__factory.connect(world.address, world.ethers.provider);
}

describe("SDK: trace", function () {
  describe("logStep", function () {
    it("logs a step attributed to the signer and returns its decoded id and event", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      const result = await node.logStep({ ...step(TRACE, 0), kind: "Model" });

      const block = await ethers.provider.getBlock(result.blockNumber);
      expect(result.stepId).to.equal(await registryOf(world).traceHead(TRACE));
      expect(result).to.include({
        traceId: TRACE,
        actor: world.node.address,
        kind: "Model",
        loggedAt: BigInt(block!.timestamp),
        transactionHash: result.receipt.hash,
      });
      expect(result.receipt.status).to.equal(1);
      expect(result.gasUsed).to.equal(result.receipt.gasUsed);
      expect(result.events.map((event) => event.name)).to.deep.equal(["StepLogged"]);
      expect(result.events[0].args).to.include({
        traceId: TRACE,
        stepId: result.stepId,
        actor: world.node.address,
        kind: "Model",
        uri: "ipfs://step/0",
      });
    });

    it("accepts kinds by name and by number, and an omitted URI", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      const kinds = [];
      for (const kind of ["Model", 1, "Verification", 3] as const) {
        const { uri: _uri, ...withoutUri } = step(TRACE, kinds.length, kind);
        kinds.push((await node.logStep(withoutUri)).kind);
      }
      expect(kinds).to.deep.equal(["Model", "Compute", "Verification", "Custom"]);
      expect((await readerFor(world).getTrace(TRACE)).steps.map((s) => s.uri)).to.deep.equal([
        "",
        "",
        "",
        "",
      ]);
    });

    const invalid: { title: string; field: string; patch: Record<string, unknown> }[] = [
      { title: "a trace id of the wrong length", field: "step.traceId", patch: { traceId: "0x1234" } },
      { title: "a zero trace id", field: "step.traceId", patch: { traceId: ZERO_HASH } },
      { title: "a trace id that is not hex", field: "step.traceId", patch: { traceId: "inference-1" } },
      { title: "an unknown kind name", field: "step.kind", patch: { kind: "Inference" } },
      { title: "a kind number above 3", field: "step.kind", patch: { kind: 4 } },
      { title: "a negative kind", field: "step.kind", patch: { kind: -1 } },
      {
        title: "an input digest of 31 bytes",
        field: "step.inputDigest",
        patch: { inputDigest: `0x${"ab".repeat(31)}` },
      },
      { title: "a missing output digest", field: "step.outputDigest", patch: { outputDigest: undefined } },
      { title: "a URI that is not a string", field: "step.uri", patch: { uri: 42 } },
    ];
    for (const { title, field, patch } of invalid) {
      it(`rejects ${title} before sending (${field})`, async function () {
        const world = await loadFixture(openWorld);
        const node = clientFor(world, world.node);
        const malformed = { ...step(TRACE, 0), ...patch } as Parameters<OnusClient["logStep"]>[0];
        const error = await expectInvalidInput(world, field, () => node.logStep(malformed));
        expect(error.value).to.equal(patch[field.split(".")[1]]);
      });
    }

    it("names the wrong length in its message", async function () {
      const world = await loadFixture(openWorld);
      const error = await expectInvalidInput(world, "step.traceId", () =>
        clientFor(world, world.node).logStep({ ...step(TRACE, 0), traceId: "0x1234" }),
      );
      expect(error.shortMessage).to.equal("step.traceId: 0x1234 is 2 bytes; expected 32");
    });

    it("decodes OperatorBondTooLow from gas estimation in a gated registry", async function () {
      const world = await loadFixture(gatedWorld);
      await expectRevert(world, () => clientFor(world, world.node).logStep(step(TRACE, 0)), {
        errorName: "OperatorBondTooLow",
        args: { actor: world.node.address, activeBond: 0n, minimum: UNIT },
        shortMessage: `OperatorBondTooLow(actor=${world.node.address}, activeBond=0, minimum=${UNIT})`,
      });
    });

    it("decodes RegistryPaused in a paused gated registry", async function () {
      const world = await loadFixture(gatedWorld);
      const node = clientFor(world, world.node);
      await node.bond({ amount: UNIT });
      await clientFor(world, world.owner).setPaused({ paused: true });
      await expectRevert(world, () => node.logStep(step(TRACE, 0)), {
        errorName: "RegistryPaused",
        args: {},
        shortMessage: "RegistryPaused()",
      });
    });
  });

  describe("logSteps", function () {
    it("logs steps across traces in order and returns every decoded step", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      const steps = [step(TRACE, 0, "Model"), step(OTHER, 0), step(TRACE, 1), step(TRACE, 2, "Verification")];
      const result = await node.logSteps({ steps });

      expect(result.steps.map((s) => [s.traceId, s.kind])).to.deep.equal([
        [TRACE, "Model"],
        [OTHER, "Compute"],
        [TRACE, "Compute"],
        [TRACE, "Verification"],
      ]);
      expect(result.steps.every((s) => s.actor === world.node.address)).to.equal(true);
      expect(result.events).to.have.length(4);
      const registry = registryOf(world);
      expect(result.steps[3].stepId).to.equal(await registry.traceHead(TRACE));
      expect(result.steps[1].stepId).to.equal(await registry.traceHead(OTHER));
    });

    it("rejects an empty batch before sending", async function () {
      const world = await loadFixture(openWorld);
      await expectInvalidInput(world, "steps", () => clientFor(world, world.node).logSteps({ steps: [] }));
    });

    it("rejects a batch of 257 steps before sending", async function () {
      const world = await loadFixture(openWorld);
      const steps = Array.from({ length: 257 }, (_, n) => step(TRACE, n));
      const error = await expectInvalidInput(world, "steps", () =>
        clientFor(world, world.node).logSteps({ steps }),
      );
      expect(error.value).to.equal(257);
    });

    it("names the malformed step of a batch by index", async function () {
      const world = await loadFixture(openWorld);
      const steps = [step(TRACE, 0), step(TRACE, 1), { ...step(TRACE, 2), kind: "Training" as "Model" }];
      await expectInvalidInput(world, "steps[2].kind", () =>
        clientFor(world, world.node).logSteps({ steps }),
      );
    });
  });

  describe("signSteps and logSignedSteps", function () {
    it("logs steps signed by their actors, attributed to the signers, never to the relayer", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      const node2 = clientFor(world, world.node2);
      const relayer = clientFor(world, world.stranger);
      const signedByNode = await node.signSteps({ steps: [step(TRACE, 0, "Model"), step(TRACE, 1)] });
      const signedByNode2 = await node2.signSteps({ steps: [step(TRACE, 2, "Verification")] });

      const result = await relayer.logSignedSteps({ batches: [signedByNode, signedByNode2] });
      expect(result.steps.map((s) => s.actor)).to.deep.equal([
        world.node.address,
        world.node.address,
        world.node2.address,
      ]);
      expect(result.receipt.from).to.equal(world.stranger.address);
      expect(await node.getNonce(world.node.address)).to.equal(1n);
      expect(await node.getNonce(world.node2.address)).to.equal(1n);
      expect((await readerFor(world).verifyTrace(TRACE)).valid).to.equal(true);
    });

    it("signs the contract's EIP-712 digest with the current nonce and a one-hour deadline", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      const signed = await node.signSteps({ steps: [step(TRACE, 0)] });
      const latest = BigInt(await time.latest());

      expect(signed.actor).to.equal(world.node.address);
      expect(signed.nonce).to.equal(0n);
      expect(signed.deadline).to.equal(latest + 3600n);
      const onChain = await registryOf(world).signedStepsDigest(
        signed.actor,
        signed.steps,
        signed.nonce,
        signed.deadline,
      );
      const offChain = signedStepsDigest(registryDomain(31337n, world.address), signed);
      expect(offChain).to.equal(onChain);
      expect(recoverAddress(onChain, signed.signature)).to.equal(world.node.address);
    });

    it("uses an explicit nonce and deadline", async function () {
      const world = await loadFixture(openWorld);
      const signed = await clientFor(world, world.node).signSteps({
        steps: [step(TRACE, 0)],
        nonce: 7n,
        deadline: 2n ** 40n,
      });
      expect(signed).to.include({ nonce: 7n, deadline: 2n ** 40n });
    });

    it("decodes InvalidNonce when a signed batch is replayed", async function () {
      const world = await loadFixture(openWorld);
      const signed = await clientFor(world, world.node).signSteps({ steps: [step(TRACE, 0)] });
      const relayer = clientFor(world, world.stranger);
      await relayer.logSignedSteps({ batches: [signed] });
      await expectRevert(world, () => relayer.logSignedSteps({ batches: [signed] }), {
        errorName: "InvalidNonce",
        args: { actor: world.node.address, expected: 1n, provided: 0n },
        shortMessage: `InvalidNonce(actor=${world.node.address}, expected=1, provided=0)`,
      });
    });

    it("reports a group someone submitted first as skipped and logs the rest", async function () {
      const world = await loadFixture(openWorld);
      const signedByNode = await clientFor(world, world.node).signSteps({ steps: [step(TRACE, 0)] });
      const signedByNode2 = await clientFor(world, world.node2).signSteps({ steps: [step(OTHER, 0)] });
      await clientFor(world, world.node2).logSignedSteps({ batches: [signedByNode] }); // the copy
      const result = await clientFor(world, world.stranger).logSignedSteps({
        batches: [signedByNode, signedByNode2],
      });
      expect(result.skipped).to.deep.equal([{ actor: world.node.address, nonce: 0n }]);
      expect(result.steps.map((s) => [s.actor, s.traceId])).to.deep.equal([[world.node2.address, OTHER]]);
    });

    it("decodes InvalidSignature when a signed step is altered", async function () {
      const world = await loadFixture(openWorld);
      const signed = await clientFor(world, world.node).signSteps({ steps: [step(TRACE, 0)] });
      const altered = { ...signed, steps: [{ ...signed.steps[0], uri: "ipfs://forged" }] };
      await expectRevert(
        world,
        () => clientFor(world, world.stranger).logSignedSteps({ batches: [altered] }),
        {
          errorName: "InvalidSignature",
          args: { actor: world.node.address },
          shortMessage: `InvalidSignature(actor=${world.node.address})`,
        },
      );
    });

    it("decodes SignatureExpired after the deadline", async function () {
      const world = await loadFixture(openWorld);
      const latest = BigInt(await time.latest());
      const signed = await clientFor(world, world.node).signSteps({
        steps: [step(TRACE, 0)],
        deadline: latest,
      });
      await time.increase(10);
      const revert = await expectRevert(
        world,
        () => clientFor(world, world.stranger).logSignedSteps({ batches: [signed] }),
        { errorName: "SignatureExpired" },
      );
      expect(revert.args.actor).to.equal(world.node.address);
      expect(revert.args.deadline).to.equal(latest);
      expect(revert.args.timestamp as bigint).to.be.greaterThan(latest);
    });

    const invalid: {
      title: string;
      field: string;
      mutate: (signed: Awaited<ReturnType<OnusClient["signSteps"]>>) => object;
    }[] = [
      { title: "a group without steps", field: "batches[0].steps", mutate: (s) => ({ ...s, steps: [] }) },
      {
        title: "a signature that is not hex",
        field: "batches[0].signature",
        mutate: (s) => ({ ...s, signature: "signed" }),
      },
      { title: "a bad actor address", field: "batches[0].actor", mutate: (s) => ({ ...s, actor: "0x1234" }) },
      { title: "a negative nonce", field: "batches[0].nonce", mutate: (s) => ({ ...s, nonce: -1n }) },
      {
        title: "a deadline beyond uint64",
        field: "batches[0].deadline",
        mutate: (s) => ({ ...s, deadline: 2n ** 64n }),
      },
      {
        title: "a malformed signed step",
        field: "batches[0].steps[0].inputDigest",
        mutate: (s) => ({ ...s, steps: [{ ...s.steps[0], inputDigest: "0x00" }] }),
      },
    ];
    for (const { title, field, mutate } of invalid) {
      it(`rejects ${title} before sending (${field})`, async function () {
        const world = await loadFixture(openWorld);
        const signed = await clientFor(world, world.node).signSteps({ steps: [step(TRACE, 0)] });
        const batch = mutate(signed) as typeof signed;
        await expectInvalidInput(world, field, () =>
          clientFor(world, world.stranger).logSignedSteps({ batches: [batch] }),
        );
      });
    }

    it("rejects no groups, and more than 256 steps across groups, before sending", async function () {
      const world = await loadFixture(openWorld);
      const relayer = clientFor(world, world.stranger);
      await expectInvalidInput(world, "batches", () => relayer.logSignedSteps({ batches: [] }));
      const node = clientFor(world, world.node);
      const first = await node.signSteps({ steps: Array.from({ length: 200 }, (_, n) => step(TRACE, n)) });
      const second = await node.signSteps({
        steps: Array.from({ length: 57 }, (_, n) => step(OTHER, n)),
        nonce: 1n,
      });
      const error = await expectInvalidInput(world, "batches", () =>
        relayer.logSignedSteps({ batches: [first, second] }),
      );
      expect(error.value).to.equal(257);
    });

    it("rejects bad signSteps input before signing", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      await expectInvalidInput(world, "steps", () => node.signSteps({ steps: [] }));
      await expectInvalidInput(world, "steps[0].traceId", () =>
        node.signSteps({ steps: [{ ...step(TRACE, 0), traceId: ZERO_HASH }] }),
      );
      await expectInvalidInput(world, "deadline", () =>
        node.signSteps({ steps: [step(TRACE, 0)], deadline: -1n }),
      );
      await expectInvalidInput(world, "nonce", () => node.signSteps({ steps: [step(TRACE, 0)], nonce: -1n }));
    });
  });

  describe("increaseNonce", function () {
    it("cancels outstanding signatures", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      const signed = await node.signSteps({ steps: [step(TRACE, 0)] });
      const result = await node.increaseNonce({ newNonce: 5n });
      expect(result.events[0].name).to.equal("NonceIncreased");
      expect(result.events[0].args).to.deep.include({
        signer: world.node.address,
        oldNonce: 0n,
        newNonce: 5n,
      });
      expect(await node.getNonce(world.node.address)).to.equal(5n);
      await expectRevert(
        world,
        () => clientFor(world, world.stranger).logSignedSteps({ batches: [signed] }),
        {
          errorName: "InvalidNonce",
          args: { actor: world.node.address, expected: 5n, provided: 0n },
        },
      );
    });

    it("decodes NonceNotIncreased", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      await node.increaseNonce({ newNonce: 3n });
      await expectRevert(world, () => node.increaseNonce({ newNonce: 3n }), {
        errorName: "NonceNotIncreased",
        args: { signer: world.node.address, currentNonce: 3n, requestedNonce: 3n },
        shortMessage: `NonceNotIncreased(signer=${world.node.address}, currentNonce=3, requestedNonce=3)`,
      });
    });

    it("rejects a nonce that is not a non-negative bigint before sending", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      await expectInvalidInput(world, "newNonce", () => node.increaseNonce({ newNonce: -1n }));
      await expectInvalidInput(world, "newNonce", () =>
        node.increaseNonce({ newNonce: 3 as unknown as bigint }),
      );
    });
  });

  describe("pinTraceHead", function () {
    it("pins the current head and returns it", async function () {
      const world = await loadFixture(openWorld);
      const trace = await logTrace(world, clientFor(world, world.node), TRACE, 3);
      const result = await clientFor(world, world.stranger).pinTraceHead({ traceId: TRACE });
      expect(result.head).to.equal(trace.storedHead);
      expect(result.events[0].args).to.deep.include({
        traceId: TRACE,
        head: trace.storedHead,
        by: world.stranger.address,
      });
      expect(await registryOf(world).isPinnedHead(TRACE, result.head)).to.equal(true);
    });

    it("decodes EmptyTrace for a trace without steps", async function () {
      const world = await loadFixture(openWorld);
      await expectRevert(world, () => clientFor(world, world.node).pinTraceHead({ traceId: TRACE }), {
        errorName: "EmptyTrace",
        args: { traceId: TRACE },
        shortMessage: `EmptyTrace(traceId=${TRACE})`,
      });
    });

    it("rejects a zero trace id before sending", async function () {
      const world = await loadFixture(openWorld);
      await expectInvalidInput(world, "traceId", () =>
        clientFor(world, world.node).pinTraceHead({ traceId: ZERO_HASH }),
      );
    });
  });

  describe("getTrace", function () {
    it("rebuilds the steps from events with actor, kind, digests, URI, block, transaction and time", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      const first = await node.logStep(step(TRACE, 0, "Model"));
      await clientFor(world, world.node2).logStep(step(OTHER, 0));
      const second = await clientFor(world, world.node2).logStep(step(TRACE, 1, "Verification"));

      const trace = await readerFor(world).getTrace(TRACE);
      expect(trace.traceId).to.equal(TRACE);
      expect(trace.storedHead).to.equal(second.stepId);
      const expected: TraceStep[] = [
        {
          index: 0,
          stepId: first.stepId,
          traceId: TRACE,
          actor: world.node.address,
          kind: "Model",
          inputDigest: step(TRACE, 0).inputDigest as Hex,
          outputDigest: step(TRACE, 0).outputDigest as Hex,
          uri: "ipfs://step/0",
          uriBytes: hexlify(toUtf8Bytes("ipfs://step/0")) as Hex,
          loggedAt: first.loggedAt,
          blockNumber: first.blockNumber,
          transactionHash: first.transactionHash,
          logIndex: first.receipt.logs[0].index,
        },
        {
          index: 1,
          stepId: second.stepId,
          traceId: TRACE,
          actor: world.node2.address,
          kind: "Verification",
          inputDigest: step(TRACE, 1).inputDigest as Hex,
          outputDigest: step(TRACE, 1).outputDigest as Hex,
          uri: "ipfs://step/1",
          uriBytes: hexlify(toUtf8Bytes("ipfs://step/1")) as Hex,
          loggedAt: second.loggedAt,
          blockNumber: second.blockNumber,
          transactionHash: second.transactionHash,
          logIndex: second.receipt.logs[0].index,
        },
      ];
      expect(trace.steps).to.deep.equal(expected);
    });

    it("reads a step whose URI is not UTF-8: shown with U+FFFD, hashed from its bytes, reportable", async function () {
      const world = await loadFixture(openWorld);
      await clientFor(world, world.node).logStep(step(TRACE, 0));
      // The contract takes any bytes as a `string`; log one straight through the ABI with 0xff.
      const registry = registryOf(world);
      const data = registry.interface.encodeFunctionData("logStep", [
        { traceId: TRACE, kind: 1, inputDigest: id("in"), outputDigest: id("out"), uri: "" },
      ]);
      const encoded = AbiCoder.defaultAbiCoder().encode(
        ["tuple(bytes32,uint8,bytes32,bytes32,bytes)"],
        [[TRACE, 1, id("in"), id("out"), "0x41ff42"]],
      );
      await (
        await world.node2.sendTransaction({ to: world.address, data: data.slice(0, 10) + encoded.slice(2) })
      ).wait();
      await clientFor(world, world.node).logStep(step(TRACE, 2));

      const trace = await readerFor(world).getTrace(TRACE);
      expect(trace.steps[1]).to.include({
        uri: "A\uFFFDB",
        uriBytes: "0x41ff42",
        actor: world.node2.address,
      });
      expect(verifyTraceSteps(trace).valid).to.equal(true);
      // A tampered display URI no longer matches its bytes.
      const tampered = { ...trace, steps: trace.steps.map((s, i) => (i === 1 ? { ...s, uri: "AB" } : s)) };
      expect(verifyTraceSteps(tampered).firstBadStep?.index).to.equal(1);
      // Reports prove steps around it, and the step itself.
      for (const stepIndex of [0, 1]) {
        const result = await clientFor(world, world.reporter).reportFailure({
          traceId: TRACE,
          stepIndex,
          beneficiary: world.beneficiary.address,
          compensation: UNIT / 10n,
          evidenceDigest: id(`evidence ${stepIndex}`),
        });
        expect(result.stepId).to.equal(trace.steps[stepIndex].stepId);
      }
    });

    it("returns no steps and a zero head for an unknown trace", async function () {
      const world = await loadFixture(openWorld);
      expect(await readerFor(world).getTrace(TRACE)).to.deep.equal({
        traceId: TRACE,
        storedHead: ZERO_HASH,
        steps: [],
      });
    });

    it("reads the trace as of `toBlock`, head included", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      const first = await node.logStep(step(TRACE, 0));
      await node.logStep(step(TRACE, 1));
      const asOfFirst = await readerFor(world).getTrace(TRACE, { toBlock: first.blockNumber });
      expect(asOfFirst.steps).to.have.length(1);
      expect(asOfFirst.storedHead).to.equal(first.stepId);
      expect(verifyTraceSteps(asOfFirst).valid).to.equal(true);
    });

    it("rejects a malformed trace id", async function () {
      const world = await loadFixture(openWorld);
      await expectInvalidInput(world, "traceId", () => readerFor(world).getTrace("0xabc"));
    });
  });

  describe("getTraceHead", function () {
    it("returns the stored head, zero for an empty trace", async function () {
      const world = await loadFixture(openWorld);
      const reader = readerFor(world);
      expect(await reader.getTraceHead(TRACE)).to.equal(ZERO_HASH);
      const { stepId } = await clientFor(world, world.node).logStep(step(TRACE, 0));
      expect(await reader.getTraceHead(TRACE)).to.equal(stepId);
    });
  });

  describe("verifyTrace", function () {
    it("accepts an untampered trace, by id and as a Trace object", async function () {
      const world = await loadFixture(openWorld);
      const trace = await logTrace(world, clientFor(world, world.node), TRACE, 5);
      const reader = readerFor(world);
      for (const result of [await reader.verifyTrace(TRACE), await reader.verifyTrace(trace)]) {
        expect(result).to.deep.equal({
          valid: true,
          traceId: TRACE,
          stepCount: 5,
          storedHead: trace.storedHead,
          computedHead: trace.storedHead,
        });
      }
    });

    it("accepts an empty trace", async function () {
      const world = await loadFixture(openWorld);
      expect(await readerFor(world).verifyTrace(TRACE)).to.deep.equal({
        valid: true,
        traceId: TRACE,
        stepCount: 0,
        storedHead: ZERO_HASH,
        computedHead: ZERO_HASH,
      });
    });

    const alterations: { field: string; alter: (s: TraceStep) => TraceStep }[] = [
      { field: "actor", alter: (s) => ({ ...s, actor: "0x000000000000000000000000000000000000dEaD" }) },
      { field: "kind", alter: (s) => ({ ...s, kind: s.kind === "Compute" ? "Custom" : "Compute" }) },
      { field: "inputDigest", alter: (s) => ({ ...s, inputDigest: id("forged input") as Hex }) },
      { field: "outputDigest", alter: (s) => ({ ...s, outputDigest: id("forged output") as Hex }) },
      { field: "uri", alter: (s) => ({ ...s, uri: "ipfs://forged" }) },
      { field: "loggedAt", alter: (s) => ({ ...s, loggedAt: s.loggedAt - 1n }) },
      { field: "traceId", alter: (s) => ({ ...s, traceId: OTHER }) },
      { field: "stepId", alter: (s) => ({ ...s, stepId: id("forged id") as Hex }) },
    ];
    for (const { field, alter } of alterations) {
      it(`detects one step's altered ${field} and names that step`, async function () {
        const world = await loadFixture(openWorld);
        const trace = await logTrace(world, clientFor(world, world.node), TRACE, 5);
        const steps = trace.steps.map((s, index) => (index === 2 ? alter(s) : s));
        const result = await readerFor(world).verifyTrace({ ...trace, steps });
        expect(result.valid).to.equal(false);
        expect(result.firstBadStep?.index).to.equal(2);
        expect(result.firstBadStep?.stepId).to.equal(steps[2].stepId);
        expect(result.reason).to.equal(
          "step 2 does not match its id: its fields or the steps before it were altered",
        );
      });
    }

    it("reports fields that cannot even be hashed as a bad step instead of throwing", async function () {
      const world = await loadFixture(openWorld);
      const trace = await logTrace(world, clientFor(world, world.node), TRACE, 3);
      for (const forged of [{ kind: "Training" }, { actor: "not an address" }]) {
        const steps = trace.steps.map((s, index) => (index === 1 ? ({ ...s, ...forged } as TraceStep) : s));
        const result = verifyTraceSteps({ ...trace, steps });
        expect(result.valid).to.equal(false);
        expect(result.firstBadStep).to.deep.equal({
          index: 1,
          stepId: trace.steps[1].stepId,
          recomputedStepId: ZERO_HASH,
        });
      }
    });

    it("detects a dropped step at the position it was dropped from", async function () {
      const world = await loadFixture(openWorld);
      const trace = await logTrace(world, clientFor(world, world.node), TRACE, 5);
      const steps = trace.steps.filter((_, index) => index !== 1);
      const result = verifyTraceSteps({ ...trace, steps });
      expect(result.valid).to.equal(false);
      expect(result.stepCount).to.equal(4);
      expect(result.firstBadStep).to.deep.include({ index: 1, stepId: trace.steps[2].stepId });
    });

    it("detects a dropped last step as a head mismatch", async function () {
      const world = await loadFixture(openWorld);
      const trace = await logTrace(world, clientFor(world, world.node), TRACE, 5);
      const result = verifyTraceSteps({ ...trace, steps: trace.steps.slice(0, 4) });
      expect(result).to.deep.equal({
        valid: false,
        traceId: TRACE,
        stepCount: 4,
        storedHead: trace.storedHead,
        computedHead: trace.steps[3].stepId,
        reason: "the steps do not fold to the stored head: steps are missing or were added",
      });
    });

    it("detects reordered steps at the first step out of place", async function () {
      const world = await loadFixture(openWorld);
      const trace = await logTrace(world, clientFor(world, world.node), TRACE, 5);
      const steps = [trace.steps[0], trace.steps[1], trace.steps[3], trace.steps[2], trace.steps[4]];
      const result = verifyTraceSteps({ ...trace, steps });
      expect(result.valid).to.equal(false);
      expect(result.firstBadStep).to.deep.include({ index: 2, stepId: trace.steps[3].stepId });
    });

    it("detects a step added to the end", async function () {
      const world = await loadFixture(openWorld);
      const trace = await logTrace(world, clientFor(world, world.node), TRACE, 3);
      const result = verifyTraceSteps({ ...trace, steps: [...trace.steps, trace.steps[2]] });
      expect(result.valid).to.equal(false);
      expect(result.firstBadStep?.index).to.equal(3);
    });

    it("detects steps for a trace the registry has no head for", async function () {
      const world = await loadFixture(openWorld);
      const trace = await logTrace(world, clientFor(world, world.node), TRACE, 2);
      const result = verifyTraceSteps({ ...trace, storedHead: ZERO_HASH });
      expect(result).to.include({ valid: false, reason: "the registry has no steps for this trace" });
    });
  });

  describe("hashing helpers", function () {
    it("fold the events of a trace to the head the contract stores", async function () {
      const world = await loadFixture(openWorld);
      const trace = await logTrace(world, clientFor(world, world.node), TRACE, 4);
      const { stepIds, head } = foldTrace(
        trace.steps.map((s) => ({
          traceId: s.traceId,
          kind: StepKind[s.kind],
          actor: s.actor,
          inputDigest: s.inputDigest,
          outputDigest: s.outputDigest,
          uriHash: hashUri(s.uri),
          loggedAt: s.loggedAt,
        })),
      );
      expect(stepIds).to.deep.equal(trace.steps.map((s) => s.stepId));
      expect(head).to.equal(await registryOf(world).traceHead(TRACE));
    });
  });

  describe("concurrent writes", function () {
    it("sends 24 writes fired at once from one signer without nonce collisions", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      const startNonce = await ethers.provider.getTransactionCount(world.node.address);
      const results = await Promise.all([
        ...Array.from({ length: 20 }, (_, n) => node.logStep(step(n % 2 === 0 ? TRACE : OTHER, n))),
        node.logSteps({ steps: [step(TRACE, 100), step(OTHER, 100)] }),
        node.increaseNonce({ newNonce: 1n }),
        node.bond({ amount: 1n }),
        node.logStep(step(TRACE, 101)),
      ]);
      const nonces = await Promise.all(
        results.map(async (result) => (await ethers.provider.getTransaction(result.transactionHash))!.nonce),
      );
      expect([...nonces].sort((a, b) => a - b)).to.deep.equal(
        Array.from({ length: 24 }, (_, n) => startNonce + n),
      );
      expect(results.every((result) => result.receipt.status === 1)).to.equal(true);
      const reader = readerFor(world);
      expect((await reader.getTrace(TRACE)).steps).to.have.length(12);
      expect((await reader.verifyTrace(TRACE)).valid).to.equal(true);
      expect((await reader.verifyTrace(OTHER)).valid).to.equal(true);
    });

    it("recovers the nonce after a send fails", async function () {
      const world = await loadFixture(openWorld);
      const node = clientFor(world, world.node);
      const outcomes = await Promise.allSettled([
        node.logStep(step(TRACE, 0)),
        node.pinTraceHead({ traceId: OTHER }),
        node.logStep(step(TRACE, 1)),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(["fulfilled", "rejected", "fulfilled"]);
      await node.logStep(step(TRACE, 2));
      expect((await readerFor(world).getTrace(TRACE)).steps).to.have.length(3);
    });
  });

  describe("getSignerAddress", function () {
    it("returns the signer's address", async function () {
      const world = await loadFixture(openWorld);
      expect(await clientFor(world, world.node).getSignerAddress()).to.equal(world.node.address);
    });
  });

  describe("read-only client", function () {
    it("reads but refuses every write with ReadOnlyClientError, sending nothing", async function () {
      const world = await loadFixture(openWorld);
      await logTrace(world, clientFor(world, world.node), TRACE, 2);
      const readOnly = createOnusClient({ address: world.address, runner: ethers.provider });
      expect((await readOnly.getTrace(TRACE)).steps).to.have.length(2);

      const writes: [string, () => Promise<unknown>][] = [
        ["logStep", () => readOnly.logStep(step(TRACE, 5))],
        ["logSteps", () => readOnly.logSteps({ steps: [step(TRACE, 5)] })],
        ["signSteps", () => readOnly.signSteps({ steps: [step(TRACE, 5)] })],
        ["pinTraceHead", () => readOnly.pinTraceHead({ traceId: TRACE })],
        ["bond", () => readOnly.bond({ amount: 1n })],
        ["withdraw", () => readOnly.withdraw()],
        ["getSignerAddress", () => readOnly.getSignerAddress()],
        [
          "reportFailure",
          () =>
            readOnly.reportFailure({
              traceId: TRACE,
              stepIndex: 0,
              beneficiary: world.beneficiary.address,
              compensation: 1n,
              evidenceDigest: id("e"),
            }),
        ],
        ["claimResponsibility", () => readOnly.claimResponsibility({ failureId: 1n })],
        ["setPaused", () => readOnly.setPaused({ paused: true })],
      ];
      for (const [action, write] of writes) {
        const error = await expectNothingSent(world, write);
        expect(error, action).to.be.instanceOf(ReadOnlyClientError);
        expect((error as ReadOnlyClientError).shortMessage).to.equal(
          `${action} needs a signer: create the client with a Signer, not a Provider`,
        );
      }
      expect(() => readOnly.createStepBatcher()).to.throw(ReadOnlyClientError);
      expect(() => readOnly.signer).to.throw(ReadOnlyClientError);
    });

    it("is what createOnusReader gives integrators: reads only, no write methods", async function () {
      const world = await loadFixture(openWorld);
      const reader = readerFor(world);
      expect(reader.address).to.equal(world.address);
      expect("logStep" in reader).to.equal(false);
      expect(await reader.getTraceHead(TRACE)).to.equal(ZERO_HASH);
    });
  });
});
