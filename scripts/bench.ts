/**
 * `npm run bench`: measures gas against same-run baselines, prints a markdown table and writes
 * bench/out/gas.json. Exits 1 if any measured ratio misses its target.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import { measureTraceGas, type GasMeasurement } from "./bench/gas.js";

const OUT_DIR = new URL("../bench/out/", import.meta.url);

const { ethers } = await network.create();
process.stdout.write("Measuring gas on the in-process Hardhat network...\n");
const gas: Record<string, GasMeasurement> = { ...(await measureTraceGas(ethers)) };

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
if (missed.length > 0) {
  process.stderr.write(`\nTargets missed:\n${missed.map((line) => `  ${line}`).join("\n")}\n`);
  process.exitCode = 1;
}
