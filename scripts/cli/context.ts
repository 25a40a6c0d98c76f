/**
 * Where the CLI finds its RPC URL, registry, signer and settings: a flag, then an environment
 * variable, then the config file (`--config`, `ONUS_CONFIG`, or ./onus.config.json).
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import promptPassword from "@inquirer/password";
import {
  Contract,
  FetchRequest,
  JsonRpcProvider,
  Network,
  Wallet,
  WebSocketProvider,
  ZeroAddress,
  type Provider,
  type Signer,
} from "ethers";
import {
  createOnusClient,
  createOnusReader,
  OnusError,
  RpcRequestError,
  type OnusClient,
  type OnusReader,
} from "../../sdk/index.js";
import { parseAddress } from "../../sdk/validation.js";
import type { Collateral } from "./amounts.js";
import type { Output } from "./output.js";

/** Options every command accepts. */
export interface GlobalOptions {
  rpc?: string;
  registry?: string;
  config?: string;
  keystore?: string;
  chainId?: string;
  fromBlock?: string;
  json?: boolean;
  verbose?: boolean;
  color?: boolean;
}

/** The config file's fields (all optional). */
export interface ConfigFile {
  rpcUrl?: string;
  registry?: string;
  keystore?: string;
  chainId?: number;
  deploymentBlock?: number;
  logChunkSize?: number;
}

/** A problem with the CLI's configuration: one line naming what to fix. */
export class CliConfigError extends OnusError {
  override name = "CliConfigError" as const;
}

export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";
/** Ignition names the registry future `<Module>#ResponsibilityRegistry`. */
const REGISTRY_FUTURE_SUFFIX = "#ResponsibilityRegistry";

/** Resolved settings (no network access yet). */
export interface Settings {
  rpcUrl: string;
  registry?: string;
  keystore?: string;
  expectedChainId?: number;
  deploymentBlock: number;
  logChunkSize?: number;
  configPath?: string;
}

/**
 * Merges flags, environment variables and the config file, in that order of precedence.
 *
 * @example
 * const settings = resolveSettings({ rpc: "http://127.0.0.1:8545" });
 */
export function resolveSettings(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Settings {
  // An empty variable (`ONUS_RPC_URL= onus …`) counts as unset, as it does for ONUS_PRIVATE_KEY.
  const variable = (name: string): string | undefined => (env[name] === "" ? undefined : env[name]);
  const configPath =
    options.config ??
    variable("ONUS_CONFIG") ??
    (existsSync("onus.config.json") ? "onus.config.json" : undefined);
  let file: ConfigFile = {};
  if (configPath !== undefined) {
    if (!existsSync(configPath)) throw new CliConfigError(`config file ${configPath} does not exist`);
    try {
      file = JSON.parse(readFileSync(configPath, "utf8")) as ConfigFile;
    } catch (error) {
      throw new CliConfigError(`config file ${configPath} is not valid JSON`, { cause: error });
    }
  }
  const chainText =
    options.chainId ??
    variable("ONUS_CHAIN_ID") ??
    (file.chainId === undefined ? undefined : String(file.chainId));
  const fromText =
    options.fromBlock ??
    variable("ONUS_FROM_BLOCK") ??
    (file.deploymentBlock === undefined ? undefined : String(file.deploymentBlock));
  return {
    rpcUrl: options.rpc ?? variable("ONUS_RPC_URL") ?? file.rpcUrl ?? DEFAULT_RPC_URL,
    registry: options.registry ?? variable("ONUS_REGISTRY") ?? file.registry,
    keystore: options.keystore ?? variable("ONUS_KEYSTORE") ?? file.keystore,
    expectedChainId: chainText === undefined ? undefined : parseInteger("chain id", chainText),
    deploymentBlock: fromText === undefined ? 0 : parseInteger("from block", fromText),
    logChunkSize: file.logChunkSize,
    configPath,
  };
}

/** Everything a command needs once connected. */
export interface Context {
  settings: Settings;
  provider: Provider;
  chainId: number;
  registry: string;
  reader: OnusReader;
  collateral: Collateral;
  /** Loads the signer (prompting for a keystore password if needed) and returns a full client. */
  client(): Promise<OnusClient>;
  close(): void;
}

/**
 * Connects to the RPC, checks the chain, finds the registry, and reads its collateral.
 *
 * @example
 * const context = await connect(options, out);
 */
export async function connect(options: GlobalOptions, out: Output): Promise<Context> {
  const settings = resolveSettings(options);
  const { provider, chainId } = await openProvider(settings.rpcUrl);
  try {
    if (settings.expectedChainId !== undefined && settings.expectedChainId !== chainId) {
      throw new CliConfigError(
        `wrong network: the RPC at ${settings.rpcUrl} is chain ${chainId}, but the deployment is on chain ${settings.expectedChainId}; point --rpc (or ONUS_RPC_URL) at chain ${settings.expectedChainId}`,
      );
    }
    const registry = settings.registry ?? findIgnitionRegistry(chainId);
    if (registry === undefined) {
      throw new CliConfigError(
        `no registry address: pass --registry, set ONUS_REGISTRY, add "registry" to onus.config.json, or deploy with Ignition to chain ${chainId}`,
      );
    }
    const address = parseAddress("registry", registry);
    if ((await provider.getCode(address)) === "0x") {
      throw new CliConfigError(
        `no contract at ${address} on chain ${chainId} (${settings.rpcUrl}): wrong network, or the chain was restarted since deployment`,
      );
    }
    const common = {
      address,
      deploymentBlock: settings.deploymentBlock,
      ...(settings.logChunkSize === undefined ? {} : { logChunkSize: settings.logChunkSize }),
    };
    const reader = createOnusReader({ ...common, runner: provider });
    const collateral = await readCollateral(reader, provider);
    let client: OnusClient | undefined;
    return {
      settings,
      provider,
      chainId,
      registry: address,
      reader,
      collateral,
      async client() {
        client ??= createOnusClient({ ...common, runner: await loadSigner(settings, provider, out) });
        return client;
      },
      close() {
        provider.destroy();
      },
    };
  } catch (error) {
    provider.destroy();
    throw error;
  }
}

/** Opens a provider, failing fast (one request, 10 s) instead of ethers' endless network detection. */
export async function openProvider(
  rpcUrl: string,
): Promise<{ provider: JsonRpcProvider | WebSocketProvider; chainId: number }> {
  if (!/^(https?|wss?):\/\//.test(rpcUrl)) {
    throw new CliConfigError(`RPC URL "${rpcUrl}" must start with http://, https://, ws:// or wss://`);
  }
  let chainId: number;
  if (rpcUrl.startsWith("ws")) {
    const provider = new WebSocketProvider(rpcUrl);
    try {
      chainId = Number((await withTimeout(provider.getNetwork(), 10_000, rpcUrl)).chainId);
    } catch (error) {
      provider.destroy();
      throw error;
    }
    return { provider, chainId };
  }
  const request = new FetchRequest(rpcUrl);
  request.timeout = 10_000;
  request.body = { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] };
  try {
    const response = await request.send();
    const body = response.bodyJson as { result?: string };
    if (typeof body.result !== "string")
      throw new Error(`unexpected answer ${response.bodyText.slice(0, 200)}`);
    chainId = Number(BigInt(body.result));
  } catch (error) {
    // Not a configuration mistake but the RPC not answering: exit code 1, like any refusal.
    throw new RpcRequestError(
      `cannot reach the RPC at ${rpcUrl}: is the node running? (npm run chain starts one)`,
      { cause: error },
    );
  }
  return { provider: new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true }), chainId };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, rpcUrl: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RpcRequestError(`cannot reach the RPC at ${rpcUrl} (no answer in ${ms / 1000} s)`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The registry address Ignition recorded for this chain, if any (ignition/deployments/chain-N). */
export function findIgnitionRegistry(chainId: number, root = process.cwd()): string | undefined {
  const file = resolve(root, "ignition", "deployments", `chain-${chainId}`, "deployed_addresses.json");
  if (!existsSync(file)) return undefined;
  const addresses = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  const key = Object.keys(addresses).find((name) => name.endsWith(REGISTRY_FUTURE_SUFFIX));
  return key === undefined ? undefined : addresses[key];
}

/** The signer: a private key from ONUS_PRIVATE_KEY, or an encrypted JSON keystore. */
export async function loadSigner(settings: Settings, provider: Provider, out: Output): Promise<Signer> {
  const privateKey = process.env.ONUS_PRIVATE_KEY;
  if (privateKey !== undefined && privateKey !== "") {
    try {
      return new Wallet(privateKey.startsWith("0x") ? privateKey : `0x${privateKey}`, provider);
    } catch (error) {
      throw new CliConfigError("ONUS_PRIVATE_KEY is not a valid private key (64 hex characters)", {
        cause: error,
      });
    }
  }
  if (settings.keystore !== undefined) {
    if (!existsSync(settings.keystore))
      throw new CliConfigError(`keystore ${settings.keystore} does not exist`);
    const json = readFileSync(settings.keystore, "utf8");
    let secret: string | undefined = process.env.ONUS_KEYSTORE_PASSWORD;
    if (secret === undefined) {
      if (!process.stdin.isTTY) {
        throw new CliConfigError(
          `keystore ${settings.keystore} needs a password: set ONUS_KEYSTORE_PASSWORD or run in a terminal`,
        );
      }
      secret = await promptPassword({ message: `Password for ${settings.keystore}`, mask: "*" });
    }
    out.progress("decrypting keystore…");
    try {
      const wallet = await Wallet.fromEncryptedJson(json, secret ?? "");
      return wallet.connect(provider);
    } catch (error) {
      throw new CliConfigError(
        `cannot decrypt keystore ${settings.keystore}: wrong password or not a keystore file`,
        {
          cause: error,
        },
      );
    } finally {
      out.done();
    }
  }
  throw new CliConfigError(
    "this command sends a transaction and needs a key: set ONUS_PRIVATE_KEY, or pass --keystore <file> (or set ONUS_KEYSTORE)",
  );
}

async function readCollateral(reader: OnusReader, provider: Provider): Promise<Collateral> {
  return describeCollateral(await reader.contract.collateralToken(), provider);
}

/** The collateral's symbol and decimals: ETH for the native currency, else read from the token. */
export async function describeCollateral(token: string, provider: Provider): Promise<Collateral> {
  if (token === ZeroAddress) return { symbol: "ETH", decimals: 18, native: true, address: token };
  const erc20 = new Contract(
    token,
    ["function symbol() view returns (string)", "function decimals() view returns (uint8)"],
    provider,
  );
  const [symbol, decimals] = await Promise.all([
    (erc20.getFunction("symbol")() as Promise<string>).catch(() => "tokens"),
    (erc20.getFunction("decimals")() as Promise<bigint>).catch(() => 18n),
  ]);
  return { symbol, decimals: Number(decimals), native: false, address: token };
}

function parseInteger(what: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new CliConfigError(`${what} "${text}" is not a whole number`);
  return Number(text);
}
