/**
 * Shared setup of the SDK tests: a registry on the in-process Hardhat network with native or
 * ERC-20 collateral (ERC-20 funds minted but NOT approved, so the SDK's auto-approve runs),
 * clients per role, and assertions for validation errors (nothing sent) and decoded reverts.
 */
import { expect } from "chai";
import { id } from "ethers";
import type { network } from "hardhat";
import {
  ContractRevertError,
  createOnusClient,
  createOnusReader,
  InvalidInputError,
  type Hex,
  type OnusClient,
  type OnusClientConfig,
  type OnusReader,
  type StepParameters,
} from "../../sdk/index.js";
import type { MockERC20 } from "../../types/ethers-contracts/index.js";
import { deployRegistry, type DeployOptions, type Ethers, type Parameters } from "./registry.js";

/** A Hardhat network connection (`await network.create()`). */
export type Connection = Awaited<ReturnType<typeof network.create>>;
/** A signer of the test chain. */
export type Signer = Awaited<ReturnType<Ethers["getSigners"]>>[number];

export type CollateralKind = "native" | "erc20";
/** Every collateral-dependent test runs over both. */
export const COLLATERAL_KINDS: readonly CollateralKind[] = ["native", "erc20"];

export const UNIT = 10n ** 18n;
/** ERC-20 funds minted to every actor (not approved). */
export const FUNDS = 1_000n * UNIT;
export const EVIDENCE = id("the output was wrong") as Hex;
export const REASON = id("the output was right") as Hex;
export const REMEDY = id("re-ran on a verified node") as Hex;

/** A deployed registry and its actors: 0 owner, 1 arbiter, 2 treasury, then the roles below. */
export interface SdkWorld {
  ethers: Ethers;
  address: string;
  kind: CollateralKind;
  token: MockERC20 | undefined;
  parameters: Parameters;
  owner: Signer;
  arbiter: Signer;
  treasury: Signer;
  node: Signer;
  reporter: Signer;
  beneficiary: Signer;
  operator: Signer;
  stranger: Signer;
  node2: Signer;
}

export interface SdkWorldOptions extends Omit<DeployOptions, "token"> {
  collateral?: CollateralKind;
}

/** Deploys a registry (and a MockERC20 for ERC-20 collateral, minting FUNDS to signers 3..11). */
export async function deploySdkWorld(ethers: Ethers, options: SdkWorldOptions = {}): Promise<SdkWorld> {
  const kind = options.collateral ?? "native";
  let token: MockERC20 | undefined;
  if (kind === "erc20") {
    token = await ethers.deployContract("MockERC20", ["Onus Test Token", "OTT", 18]);
    for (const signer of (await ethers.getSigners()).slice(3, 12)) {
      await (await token.mint(signer.address, FUNDS)).wait();
    }
  }
  const deployed = await deployRegistry(ethers, {
    ...options,
    token: token === undefined ? undefined : await token.getAddress(),
  });
  const signers = await ethers.getSigners();
  return {
    ethers,
    address: await deployed.registry.getAddress(),
    kind,
    token,
    parameters: deployed.parameters,
    owner: signers[0],
    arbiter: signers[1],
    treasury: signers[2],
    node: signers[3],
    reporter: signers[4],
    beneficiary: signers[5],
    operator: signers[6],
    stranger: signers[7],
    node2: signers[8],
  };
}

/** A fresh client for `signer` (fresh per test: clients cache nonces across snapshots otherwise). */
export function clientFor(
  world: SdkWorld,
  signer: Signer,
  config: Partial<OnusClientConfig> = {},
): OnusClient {
  return createOnusClient({ address: world.address, runner: signer, pollingIntervalMs: 20, ...config });
}

/** A read-only client on the in-process provider. */
export function readerFor(world: SdkWorld): OnusReader {
  return createOnusReader({ address: world.address, runner: world.ethers.provider, pollingIntervalMs: 20 });
}

/** A deterministic step; `n` varies the digests. */
export function step(traceId: string, n: number, kind: StepParameters["kind"] = "Compute"): StepParameters {
  return {
    traceId,
    kind,
    inputDigest: id(`in ${traceId} ${n}`),
    outputDigest: id(`out ${traceId} ${n}`),
    uri: `ipfs://step/${n}`,
  };
}

/** Balance of the world's collateral. */
export async function collateralBalance(world: SdkWorld, account: string): Promise<bigint> {
  return world.token === undefined
    ? world.ethers.provider.getBalance(account)
    : world.token.balanceOf(account);
}

/** What a promise rejected with (fails the test if it resolved). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail("expected the promise to reject");
}

/** Chain state that any transaction would change: the latest block and every actor's nonce. */
async function chainMark(world: SdkWorld): Promise<{ block: number; nonces: number[] }> {
  const signers = await world.ethers.getSigners();
  const provider = world.ethers.provider;
  return {
    block: await provider.getBlockNumber(),
    nonces: await Promise.all(
      signers.slice(0, 12).map((signer) => provider.getTransactionCount(signer.address, "pending")),
    ),
  };
}

/** Runs `action` and asserts that it sent no transaction at all (no block mined, no nonce used). */
export async function expectNothingSent<T>(world: SdkWorld, action: () => Promise<T>): Promise<unknown> {
  const before = await chainMark(world);
  const error = await rejectionOf(action());
  expect(await chainMark(world), "no transaction was sent").to.deep.equal(before);
  return error;
}

/** Asserts an {@link InvalidInputError} on `field`, thrown before any transaction was sent. */
export async function expectInvalidInput(
  world: SdkWorld,
  field: string,
  action: () => Promise<unknown>,
): Promise<InvalidInputError> {
  const error = await expectNothingSent(world, action);
  expect(error).to.be.instanceOf(InvalidInputError);
  const invalid = error as InvalidInputError;
  expect(invalid.name).to.equal("InvalidInputError");
  expect(invalid.field).to.equal(field);
  expect(invalid.shortMessage.startsWith(`${field}: `), invalid.shortMessage).to.equal(true);
  return invalid;
}

/**
 * Asserts a decoded revert: the custom error's name, its named arguments (enums by name) and the
 * short message; reverts caught during gas estimation send nothing (`sent: false`, the default).
 */
export async function expectRevert(
  world: SdkWorld,
  action: () => Promise<unknown>,
  expected: { errorName: string; args?: Record<string, unknown>; shortMessage?: string; sent?: boolean },
): Promise<ContractRevertError> {
  const error = expected.sent ? await rejectionOf(action()) : await expectNothingSent(world, action);
  expect(error, String(error)).to.be.instanceOf(ContractRevertError);
  const revert = error as ContractRevertError;
  expect(revert.name).to.equal("ContractRevertError");
  expect(revert.errorName).to.equal(expected.errorName);
  if (expected.args !== undefined) expect({ ...revert.args }).to.deep.equal(expected.args);
  if (expected.shortMessage !== undefined) expect(revert.shortMessage).to.equal(expected.shortMessage);
  expect(revert.data).to.match(/^0x[0-9a-f]{8}/);
  return revert;
}
