/**
 * `npm run coverage`: runs every test with `hardhat test --coverage`, then checks line and
 * statement coverage of each contract under contracts/ — mocks and benchmark contracts
 * excluded — against the 95 % bar. Exits 1 if any file is below it or the tests failed.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const BAR = 95;
const EXCLUDED = /^contracts\/(mocks|bench)\//;
const root = fileURLToPath(new URL("../", import.meta.url));

const child = spawn(`${root}node_modules/.bin/hardhat`, ["test", "--coverage"], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, FORCE_COLOR: "0" },
});
let output = "";
child.stdout.on("data", (chunk: Buffer) => {
  output += chunk.toString();
  process.stdout.write(chunk);
});
const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));

// Rows of the report look like: ║ contracts/X.sol │ 98.50 │ 97.10 │ 12-13, 40 ║
const rows = [
  ...output.matchAll(/║\s*(contracts\/\S+\.sol)\s*│\s*([\d.]+)\s*│\s*([\d.]+)\s*│\s*(.*?)\s*║/g),
].map(([, file, lines, statements, uncovered]) => ({
  file,
  lines: Number(lines),
  statements: Number(statements),
  uncovered,
}));
const checked = rows.filter((row) => !EXCLUDED.test(row.file));
if (checked.length === 0) {
  process.stderr.write("coverage: found no coverage rows for contracts/ in the test output\n");
  process.exit(1);
}
process.stdout.write(`\nCoverage of contracts/ (excluding mocks/ and bench/), bar ${BAR} %:\n`);
let below = false;
for (const row of checked) {
  const ok = row.lines >= BAR && row.statements >= BAR;
  below ||= !ok;
  process.stdout.write(
    `  ${ok ? "✓" : "✗"} ${row.file}: lines ${row.lines.toFixed(2)} %, statements ${row.statements.toFixed(2)} %${row.uncovered === "-" ? "" : `; uncovered lines ${row.uncovered}`}\n`,
  );
}
if (code !== 0) process.stderr.write(`coverage: the tests failed (exit code ${code})\n`);
process.exit(code !== 0 || below ? 1 : 0);
