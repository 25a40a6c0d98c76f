#!/usr/bin/env node
/**
 * `onus` — the Onus command line: deploy a registry, log steps, read traces, bond, report,
 * claim, settle, rule, read ledgers, and watch for failures as an operator.
 * Run `onus --help`, or `onus <command> --help` for a command's options and examples.
 */
import { main } from "./program.js";

// `onus failures | head` closes the pipe early: stop quietly instead of throwing EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

await main(process.argv);
