/**
 * `npm run bench`: measures gas against same-run baselines, prints a markdown table and writes
 * bench/out/gas.json; then measures the SDK over HTTP against a local `hardhat node` (see
 * bench/sdk.ts), prints its tables and writes bench/out/sdk.json. Exits 1 if any measured gas
 * ratio misses its target.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import { measureAccountabilityGas, measureTraceGas, type GasMeasurement } from "./bench/gas.js";
import { measureSdk, sdkTables } from "./bench/sdk.js";

const OUT_DIR = new URL("../bench/out/", import.meta.url);

const connection = await network.create();
process.stdout.write("Measuring gas on the in-process Hardhat network...\n");
const gas: Record<string, GasMeasurement> = {
  ...(await measureTraceGas(connection.ethers)),
  ...(await measureAccountabilityGas(connection)),
};

mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(new URL("gas.json", OUT_DIR), `${JSON.stringify(gas, null, 2)}\n`);

const missed: string[] = [];
const lines = ["| key | what | gas | baseline gas | ratio | target |", "|---|---|---:|---:|---:|---|"];
for (const [key, row] of Object.entries(gas)) {
  let target = "";
  if (row.target !== undefined && row.ratio !== undefined) {
    const met = row.ratio <= row.target;
    if (!met) missed.push(`${key}: ${row.ratio} > ${row.target}`);
    target = `≤ ${row.target} ${met ? "✓" : "✗"}`;
  }
  lines.push(
    `| \`${key}\` | ${row.what} | ${Math.round(row.gas).toLocaleString("en-US")} | ${
      row.baselineGas === undefined ? "" : Math.round(row.baselineGas).toLocaleString("en-US")
    } | ${row.ratio ?? ""} | ${target} |`,
  );
}
process.stdout.write(`\n${lines.join("\n")}\n\nWrote bench/out/gas.json\n`);

// The SDK over HTTP against a local `hardhat node` (started and stopped by measureSdk).
process.stdout.write("\nMeasuring the SDK against a local hardhat node...\n");
const sdk = await measureSdk((line) => process.stdout.write(`  ${line}\n`));
writeFileSync(new URL("sdk.json", OUT_DIR), `${JSON.stringify(sdk, null, 2)}\n`);
process.stdout.write(`\n${sdkTables(sdk)}\n\nWrote bench/out/sdk.json\n`);
if (missed.length > 0) {
  process.stderr.write(`\nTargets missed:\n${missed.map((line) => `  ${line}`).join("\n")}\n`);
  process.exitCode = 1;
}
