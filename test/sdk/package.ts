/**
 * The SDK as another project sees it: built with the repository's build configuration
 * (tsconfig.build.json, SDK entry points only), installed as `node_modules/onus` next to ethers,
 * and imported by name through package.json `exports`.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

const CONSUMER = `
import { createOnusReader, hashUri, OnusError, InvalidInputError, RpcRequestError, StepKind } from "onus";
import { JsonRpcProvider, keccak256, toUtf8Bytes } from "ethers";

const result = { hashUri: hashUri("ipfs://bafy") === keccak256(toUtf8Bytes("ipfs://bafy")), kinds: StepKind };
try {
  createOnusReader({ address: "0x12", runner: new JsonRpcProvider("http://127.0.0.1:9") });
} catch (error) {
  result.invalid = { onus: error instanceof OnusError, input: error instanceof InvalidInputError, field: error.field, message: error.shortMessage };
}
// Nothing listens on port 9: the failure still arrives as an OnusError from the package.
const provider = new JsonRpcProvider("http://127.0.0.1:9", 31337, { staticNetwork: true });
const reader = createOnusReader({ address: "0x" + "11".repeat(20), runner: provider, maxRetries: 0 });
result.address = reader.address;
try {
  await reader.getTraceHead("0x" + "22".repeat(32));
} catch (error) {
  result.rpc = { onus: error instanceof OnusError, rpc: error instanceof RpcRequestError, name: error.name };
}
provider.destroy();
try {
  await import("onus/dist/sdk/index.js");
} catch (error) {
  result.deepImport = error.code;
}
console.log(JSON.stringify(result));
`;

const TYPED_CONSUMER = `
import { createOnusReader, type TraceVerification } from "onus";
import { JsonRpcProvider } from "ethers";
const reader = createOnusReader({ address: "0x" + "11".repeat(20), runner: new JsonRpcProvider() });
export const check: Promise<TraceVerification> = reader.verifyTrace("0x" + "22".repeat(32));
// @ts-expect-error the reader has no write methods
reader.logStep;
`;

describe("SDK package", function () {
  this.timeout(180_000);
  let dir: string;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "onus-consumer-"));
    const installed = join(dir, "node_modules", "onus");
    mkdirSync(installed, { recursive: true });
    // The repository's build configuration, emitting the SDK's entry points into the "installed" copy.
    writeFileSync(
      join(dir, "tsconfig.build.json"),
      JSON.stringify({
        extends: join(ROOT, "tsconfig.build.json"),
        compilerOptions: {
          rootDir: ROOT,
          outDir: join(installed, "dist"),
          typeRoots: [join(ROOT, "node_modules", "@types")],
        },
        include: [join(ROOT, "sdk")],
        exclude: [join(ROOT, "types", "ethers-contracts", "hardhat.d.ts")],
      }),
    );
    await run(process.execPath, [TSC, "-p", join(dir, "tsconfig.build.json")], { cwd: ROOT });
    copyFileSync(join(ROOT, "package.json"), join(installed, "package.json"));
    symlinkSync(join(ROOT, "node_modules", "ethers"), join(dir, "node_modules", "ethers"), "dir");
  });

  after(function () {
    if (dir !== undefined && process.env.KEEP_CONSUMER === undefined)
      rmSync(dir, { recursive: true, force: true });
  });

  describe('import from "onus"', function () {
    it("emits JavaScript and declarations where package.json points", function () {
      const installed = join(dir, "node_modules", "onus");
      for (const file of [
        "dist/sdk/index.js",
        "dist/sdk/index.d.ts",
        "dist/types/ethers-contracts/factories/ResponsibilityRegistry__factory.js",
      ]) {
        expect(existsSync(join(installed, file)), file).to.equal(true);
      }
    });

    it("works from a plain Node ESM script through package.json exports", async function () {
      writeFileSync(join(dir, "consumer.mjs"), CONSUMER);
      const { stdout } = await run(process.execPath, ["consumer.mjs"], { cwd: dir });
      expect(JSON.parse(stdout)).to.deep.equal({
        hashUri: true,
        kinds: { Model: 0, Compute: 1, Verification: 2, Custom: 3 },
        invalid: { onus: true, input: true, field: "address", message: "address: 0x12 is not an address" },
        address: "0x1111111111111111111111111111111111111111",
        rpc: { onus: true, rpc: true, name: "RpcRequestError" },
        deepImport: "ERR_PACKAGE_PATH_NOT_EXPORTED",
      });
    });

    it("gives TypeScript consumers the SDK's types", async function () {
      writeFileSync(join(dir, "consumer.mts"), TYPED_CONSUMER);
      await run(
        process.execPath,
        [
          TSC,
          "--noEmit",
          "--strict",
          "--module",
          "node16",
          "--moduleResolution",
          "node16",
          "--target",
          "es2022",
          "consumer.mts",
        ],
        { cwd: dir },
      );
    });
  });
});
