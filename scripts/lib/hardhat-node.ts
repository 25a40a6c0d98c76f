/**
 * Starting and stopping a real `hardhat node` JSON-RPC server on 127.0.0.1, for `npm run chain`,
 * the benchmarks and the integration tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { HDNodeWallet, Mnemonic, type Provider } from "ethers";

export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HARDHAT_BIN = fileURLToPath(new URL("../../node_modules/.bin/hardhat", import.meta.url));

/** Hardhat's public test mnemonic: its accounts are funded on every local node. Never use it elsewhere. */
export const HARDHAT_TEST_MNEMONIC = "test test test test test test test test test test test junk";

/** A running `hardhat node`. */
export interface HardhatNode {
  url: string;
  wsUrl: string;
  port: number;
  /** The node's funded accounts as wallets (from the public test mnemonic). */
  wallets(provider?: Provider): HDNodeWallet[];
  /** Resolves when the process exits. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

/** The funded accounts of a local node, from the public test mnemonic. */
export function testWallets(count = 20, provider?: Provider): HDNodeWallet[] {
  const mnemonic = Mnemonic.fromPhrase(HARDHAT_TEST_MNEMONIC);
  return Array.from({ length: count }, (_, index) => {
    const wallet = HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${index}`);
    return provider === undefined ? wallet : wallet.connect(provider);
  });
}

/**
 * Starts `hardhat node --hostname 127.0.0.1` (on `port`, or a free one) and waits until it
 * serves JSON-RPC.
 */
export async function startHardhatNode(options: { port?: number } = {}): Promise<HardhatNode> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    HARDHAT_BIN,
    ["node", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hardhat node did not start in 60 s:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Started HTTP and WebSocket JSON-RPC server")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hardhat node exited with code ${code}:\n${output.slice(-2000)}`));
    });
  });
  // Keep draining its output so the pipe never fills and blocks the node.
  child.stdout?.removeAllListeners("data").resume();
  child.stderr?.removeAllListeners("data").resume();
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    wallets: (provider) => testWallets(20, provider),
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
