import { expect } from "chai";
import { AbiCoder, id, makeError, ZeroAddress } from "ethers";
import { network } from "hardhat";
import {
  ContractRevertError,
  formatValue,
  InvalidInputError,
  mapWithConcurrency,
  MAX_BATCH_SIZE,
  NotFoundError,
  OnusError,
  parseAddress,
  parseAmount,
  parseBatchSize,
  parseBytes32,
  parseId,
  parseNonZeroAddress,
  parseOptionalString,
  parseStep,
  parseStepKind,
  parseTimestamp,
  ReadOnlyClientError,
  RpcRequestError,
  toOnusError,
  toTopic,
  TransactionFailedError,
  type Hex,
} from "../../sdk/index.js";
import { ResponsibilityRegistry__factory } from "../../types/ethers-contracts/index.js";
import { clientFor, deploySdkWorld, EVIDENCE, rejectionOf, step, UNIT } from "../helpers/sdk.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

const registryInterface = ResponsibilityRegistry__factory.createInterface();
const TRACE = id("sdk errors trace") as Hex;
const coder = AbiCoder.defaultAbiCoder();

/** A failure (id 1) reported against the node's first step, compensation 1 unit. */
async function reportedWorld() {
  const world = await deploySdkWorld(ethers);
  await clientFor(world, world.node).logStep(step(TRACE, 0));
  await clientFor(world, world.reporter).reportFailure({
    traceId: TRACE,
    stepIndex: 0,
    beneficiary: world.beneficiary.address,
    compensation: UNIT,
    evidenceDigest: EVIDENCE,
  });
  return world;
}

function captured(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return expect.fail("expected a throw");
}

function invalidField(action: () => unknown): string {
  const error = captured(action);
  expect(error).to.be.instanceOf(InvalidInputError);
  return (error as InvalidInputError).field;
}

describe("SDK: errors and validation", function () {
  describe("toOnusError", function () {
    it("decodes a custom error found anywhere in an ethers error, enums by name", function () {
      const data = registryInterface.encodeErrorResult("FailureNotClaimable", [3n, 6n]);
      const nested = makeError("could not estimate gas", "UNKNOWN_ERROR", { error: { code: 3, data } });
      const error = toOnusError(nested, registryInterface, "claimResponsibility");
      expect(error).to.be.instanceOf(ContractRevertError).and.to.be.instanceOf(OnusError);
      const revert = error as ContractRevertError;
      expect(revert.errorName).to.equal("FailureNotClaimable");
      expect(revert.args).to.deep.equal({ failureId: 3n, state: "Compensated" });
      expect(revert.shortMessage).to.equal("FailureNotClaimable(failureId=3, state=Compensated)");
      expect(revert.data).to.equal(data);
      expect(revert.cause).to.equal(nested);
    });

    it("decodes Error(string) and Panic(uint256)", function () {
      const reason = `0x08c379a0${coder.encode(["string"], ["not allowed"]).slice(2)}`;
      const revert = toOnusError({ data: reason }, registryInterface, "x") as ContractRevertError;
      expect(revert.errorName).to.equal("Error");
      expect(revert.shortMessage).to.equal('Error(reason="not allowed")');
      const panic = `0x4e487b71${coder.encode(["uint256"], [0x11]).slice(2)}`;
      const decoded = toOnusError(
        { info: { error: { data: panic } } },
        registryInterface,
        "x",
      ) as ContractRevertError;
      expect(decoded.shortMessage).to.equal("Panic(code=17)");
    });

    it("keeps revert data that matches no registry error as UnknownError", function () {
      const data = "0xfb8f41b2" + "00".repeat(96);
      const revert = toOnusError({ data }, registryInterface, "x") as ContractRevertError;
      expect(revert.errorName).to.equal("UnknownError");
      expect(revert.args).to.deep.equal({ data });
      expect(revert.details).to.equal("the revert data matches no error in the registry's ABI");
    });

    it("turns a call exception without data into Error(reason)", function () {
      const exception = makeError("execution reverted", "CALL_EXCEPTION", {
        action: "call",
        data: null,
        reason: "out of gas",
        transaction: { to: null, data: "0x" },
        invocation: null,
        revert: null,
      });
      const revert = toOnusError(exception, registryInterface, "x") as ContractRevertError;
      expect(revert.shortMessage).to.equal('Error(reason="out of gas")');
    });

    it("maps wallet and transport failures to their classes", function () {
      const funds = toOnusError(
        makeError("insufficient funds", "INSUFFICIENT_FUNDS", { transaction: {} }),
        registryInterface,
        "bond",
      );
      expect(funds).to.be.instanceOf(TransactionFailedError);
      expect(funds.shortMessage).to.equal("bond: the sender cannot pay for this transaction");
      const nonce = toOnusError(
        makeError("nonce has already been used", "NONCE_EXPIRED", { transaction: {} }),
        registryInterface,
        "logStep",
      );
      expect(nonce).to.be.instanceOf(TransactionFailedError);
      expect(nonce.shortMessage).to.equal("logStep: nonce has already been used");
      const other = toOnusError(new Error("socket hang up"), registryInterface, "read the trace head");
      expect(other).to.be.instanceOf(RpcRequestError);
      expect(other.shortMessage).to.equal("read the trace head failed: socket hang up");
      const already = new NotFoundError("gone");
      expect(toOnusError(already, registryInterface, "x")).to.equal(already);
    });
  });

  describe("OnusError", function () {
    it("carries a literal name, a short message, details and the cause", function () {
      const cause = new Error("root");
      const error = new OnusError("something failed", { details: "more context", cause });
      expect(error.name).to.equal("OnusError");
      expect(error.shortMessage).to.equal("something failed");
      expect(error.message).to.equal("something failed\n\nDetails: more context");
      expect(error.cause).to.equal(cause);
      expect(new ReadOnlyClientError("bond").name).to.equal("ReadOnlyClientError");
      expect(new InvalidInputError("to", "0x1", "is not an address").message).to.equal(
        "to: 0x1 is not an address",
      );
    });
  });

  describe("formatValue", function () {
    it("renders values for messages", function () {
      expect(formatValue("0xAbC")).to.equal("0xAbC");
      expect(formatValue("inference")).to.equal('"inference"');
      expect(formatValue(12n)).to.equal("12");
      expect(formatValue(undefined)).to.equal("undefined");
      expect(formatValue({ amount: 5n, to: "x" })).to.equal('{"amount":"5","to":"x"}');
    });
  });

  describe("validators", function () {
    it("parseAddress checksums and names the field", function () {
      const lower = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
      expect(parseAddress("to", lower)).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
      expect(invalidField(() => parseAddress("to", "0x7099"))).to.equal("to");
      expect(invalidField(() => parseAddress("to", 42))).to.equal("to");
      expect(invalidField(() => parseNonZeroAddress("beneficiary", ZeroAddress))).to.equal("beneficiary");
    });

    it("parseBytes32 lower-cases and explains a wrong length", function () {
      expect(parseBytes32("d", id("x").toUpperCase().replace("0X", "0x"))).to.equal(id("x"));
      const error = captured(() => parseBytes32("evidenceDigest", "0xabcd")) as InvalidInputError;
      expect(error.shortMessage).to.equal("evidenceDigest: 0xabcd is 2 bytes; expected 32");
      const notHex = captured(() => parseBytes32("traceId", "inference-7")) as InvalidInputError;
      expect(notHex.shortMessage).to.equal('traceId: "inference-7" is not 32 bytes of 0x-prefixed hex');
      expect(invalidField(() => parseBytes32("traceId", `0x${"0".repeat(64)}`, { nonZero: true }))).to.equal(
        "traceId",
      );
    });

    it("parseAmount refuses zero, negatives, non-bigints and values above the maximum", function () {
      expect(parseAmount("amount", 1n)).to.equal(1n);
      expect(parseAmount("amount", 0n, { allowZero: true })).to.equal(0n);
      for (const value of [0n, -1n, 1, "1", 2n ** 128n]) {
        expect(invalidField(() => parseAmount("amount", value))).to.equal("amount");
      }
      const error = captured(() => parseAmount("compensation", 11n, { max: 10n })) as InvalidInputError;
      expect(error.shortMessage).to.equal("compensation: 11 must be at most 10");
    });

    it("parseId, parseStepKind, parseBatchSize, parseOptionalString and parseTimestamp", function () {
      expect(parseId("failureId", 3)).to.equal(3n);
      expect(parseId("failureId", 3n)).to.equal(3n);
      expect(invalidField(() => parseId("failureId", 0))).to.equal("failureId");
      expect(invalidField(() => parseId("failureId", Number.MAX_SAFE_INTEGER + 2))).to.equal("failureId");
      expect(parseStepKind("kind", "Verification")).to.equal(2);
      expect(parseStepKind("kind", 3)).to.equal(3);
      expect((captured(() => parseStepKind("kind", "toString")) as InvalidInputError).field).to.equal("kind");
      expect(parseBatchSize("steps", MAX_BATCH_SIZE)).to.equal(256);
      expect(invalidField(() => parseBatchSize("steps", MAX_BATCH_SIZE + 1))).to.equal("steps");
      expect(parseOptionalString("uri", undefined)).to.equal("");
      expect(invalidField(() => parseOptionalString("uri", null))).to.equal("uri");
      expect(parseTimestamp("deadline", 2n ** 64n - 1n)).to.equal(2n ** 64n - 1n);
      expect(invalidField(() => parseTimestamp("deadline", 1700000000))).to.equal("deadline");
    });

    it("parseStep converts a step to the contract's shape", function () {
      expect(parseStep("step", { ...step(TRACE, 0), kind: "Model", uri: undefined })).to.deep.equal({
        traceId: TRACE,
        kind: 0,
        inputDigest: step(TRACE, 0).inputDigest,
        outputDigest: step(TRACE, 0).outputDigest,
        uri: "",
      });
      expect(invalidField(() => parseStep("steps[4]", null as unknown as ReturnType<typeof step>))).to.equal(
        "steps[4]",
      );
    });
  });

  describe("toTopic and mapWithConcurrency", function () {
    it("pad ids and addresses into topics, and map with a bounded number of calls in flight", async function () {
      expect(toTopic(3n)).to.equal(`0x${"0".repeat(63)}3`);
      expect(toTopic("0x70997970c51812dc3a010c7d01b50e0d17dc79c8")).to.equal(
        "0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8",
      );
      let inFlight = 0;
      let peak = 0;
      const doubled = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5 * (8 - n)));
        inFlight--;
        return 2 * n;
      });
      expect(doubled).to.deep.equal([2, 4, 6, 8, 10, 12, 14]);
      expect(peak).to.equal(3);
    });
  });

  describe("reverts mined on-chain", function () {
    it("are decoded by replaying the call at their block", async function () {
      const world = await loadFixture(reportedWorld);
      // Both claims pass gas estimation; the second one mined reverts on-chain.
      await networkHelpers.mine();
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        const first = clientFor(world, world.operator).claimResponsibility({ failureId: 1n });
        const second = clientFor(world, world.stranger).claimResponsibility({ failureId: 1n });
        const pending = async (address: string) => ethers.provider.getTransactionCount(address, "pending");
        const [operatorNonce, strangerNonce] = [
          await ethers.provider.getTransactionCount(world.operator.address),
          await ethers.provider.getTransactionCount(world.stranger.address),
        ];
        for (let tries = 0; tries < 500; tries++) {
          if (
            (await pending(world.operator.address)) > operatorNonce &&
            (await pending(world.stranger.address)) > strangerNonce
          )
            break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await networkHelpers.mine();
        const claimed = await first;
        expect(claimed.stake).to.equal(UNIT);
        const revert = (await rejectionOf(second)) as ContractRevertError;
        expect(revert).to.be.instanceOf(ContractRevertError);
        expect(revert.errorName).to.equal("FailureNotClaimable");
        expect(revert.shortMessage).to.equal("FailureNotClaimable(failureId=1, state=Claimed)");
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
    });
  });
});
