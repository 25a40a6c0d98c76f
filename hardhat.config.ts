import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";
import { createRequire } from "node:module";

// Hardhat cannot download compilers on these machines, so compile with the WASM
// build shipped in the `solc` npm package. Its version is pinned exactly in
// package.json and read back here so the two can never disagree.
const require = createRequire(import.meta.url);
const SOLC_VERSION: string = require("solc/package.json").version;
const SOLC_PATH = require.resolve("solc/soljson.js");

const optimizer = { optimizer: { enabled: true, runs: 500 }, viaIR: true };

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin],
  solidity: {
    // Compile the Solidity tests (forge-std, the invariant handler) only when they run, so
    // `npm run demo`, `bench` and `chain` compile just the contracts on a fresh clone.
    splitTestsCompilation: true,
    profiles: {
      // Tests, coverage and benchmarks all run the optimized build, so the gas we
      // measure is the gas a deployment pays.
      default: { version: SOLC_VERSION, path: SOLC_PATH, settings: optimizer },
      production: { version: SOLC_VERSION, path: SOLC_PATH, settings: optimizer },
    },
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      // 128 sequences of 64 calls each across the handler's actions; see
      // test/solidity/invariants/RegistryInvariants.t.sol.
      invariant: { runs: 128, depth: 64, failOnRevert: false },
    },
  },
  networks: {
    // `npm run chain -- --port N` points this at its node through ONUS_LOCAL_RPC_URL.
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.ONUS_LOCAL_RPC_URL ?? "http://127.0.0.1:8545",
    },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
  },
});
