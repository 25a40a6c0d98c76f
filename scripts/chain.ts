/**
 * `npm run chain`: a local chain ready for the `onus` CLI. Starts `hardhat node` on
 * 127.0.0.1:8545, deploys the registry with Ignition (ignition/parameters/localhost.json5),
 * prints the RPC URL, the registry address and funded demo accounts, and keeps running until
 * Ctrl-C.
 *
 *   npm run chain                          native collateral (ETH)
 *   npm run chain -- --collateral token    the demo ERC-20 (OPG), minted to every demo account
 *   npm run chain -- --port 8546
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PROJECT_ROOT, startHardhatNode, testWallets } from "./lib/hardhat-node.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8545" },
    collateral: { type: "string", default: "native" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write(
    "Usage: npm run chain [-- --port <port>] [-- --collateral native|token]\n\nStarts a local hardhat node, deploys the Onus registry and prints what the CLI needs.\n",
  );
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65_535) fail(`--port ${values.port} is not a port number`);
if (values.collateral !== "native" && values.collateral !== "token") {
  fail(`--collateral must be "native" or "token", not "${values.collateral}"`);
}
const useToken = values.collateral === "token";
const rpcUrl = `http://127.0.0.1:${port}`;

process.stdout.write(`Starting hardhat node on ${rpcUrl}…\n`);
const node = await startHardhatNode({ port }).catch((error: unknown) =>
  fail(
    `could not start the node on port ${port}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}\n(is another node already running? try --port)`,
  ),
);
const stop = async () => {
  process.stdout.write("\nStopping the node.\n");
  await node.stop();
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());

const module = useToken ? "ignition/modules/LocalDemo.ts" : "ignition/modules/ResponsibilityRegistry.ts";
process.stdout.write(`Deploying ${module} with Ignition (the first run compiles the contracts)…\n`);
await runIgnition(module);

const addresses = JSON.parse(
  readFileSync(
    new URL(`../ignition/deployments/chain-31337/deployed_addresses.json`, import.meta.url),
    "utf8",
  ),
) as Record<string, string>;
const registry = Object.entries(addresses).find(([key]) => key.endsWith("#ResponsibilityRegistry"))?.[1];
const token = Object.entries(addresses).find(([key]) => key.endsWith("#MockERC20"))?.[1];
if (registry === undefined) fail("Ignition did not record a registry address");

const roles = [
  "admin, arbiter and treasury",
  "model publisher",
  "compute node",
  "verifier",
  "reporter",
  "operator",
  "user (beneficiary)",
];
const wallets = testWallets(roles.length);
const lines = [
  "",
  "Onus local chain is ready.",
  "",
  `  RPC URL     ${rpcUrl}   (chain id 31337; WebSocket ws://127.0.0.1:${port})`,
  `  registry    ${registry}`,
  `  collateral  ${useToken ? `Onus Demo Token (OPG) ${token}` : "native ETH"}`,
  "",
  "Funded demo accounts (Hardhat's public test keys: never use them on a real network):",
  ...wallets.map(
    (wallet, index) => `  #${index}  ${roles[index].padEnd(28)} ${wallet.address}  ${wallet.privateKey}`,
  ),
  "",
  "Point the CLI at it (the registry is found from the Ignition deployment):",
  `  export ONUS_RPC_URL=${rpcUrl}`,
  `  export ONUS_PRIVATE_KEY=${wallets[2].privateKey}   # act as the compute node`,
  "  npm run onus -- params",
  `  npm run onus -- bond ${useToken ? '"100 OPG"' : "1eth"}`,
  '  npm run onus -- log --trace my-inference --kind Compute --input "What is 2+2?" --output "5"',
  "  npm run onus -- trace my-inference",
  "",
  "Press Ctrl-C to stop.",
];
process.stdout.write(`${lines.join("\n")}\n`);
await node.exited;
process.stdout.write("The node exited.\n");

async function runIgnition(modulePath: string): Promise<void> {
  const parameters = "ignition/parameters/localhost.json5";
  if (!existsSync(new URL(`../${parameters}`, import.meta.url))) fail(`${parameters} is missing`);
  const child = spawn(
    `${PROJECT_ROOT}node_modules/.bin/hardhat`,
    [
      "ignition",
      "deploy",
      modulePath,
      "--network",
      "localhost",
      "--parameters",
      parameters,
      "--reset",
      "--build-profile",
      "default",
    ],
    {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        ONUS_LOCAL_RPC_URL: rpcUrl,
        HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: "1",
        HARDHAT_IGNITION_CONFIRM_RESET: "1",
      },
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) {
    await node.stop();
    fail(`Ignition deployment failed:\n${output.slice(-3000)}`);
  }
}

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}
