#!/usr/bin/env node
/**
 * `onus` — the Onus command line: deploy a registry, log steps, read traces, bond, report,
 * claim, settle, rule, read ledgers, and watch for failures as an operator.
 * Run `onus --help`, or `onus <command> --help` for a command's options and examples.
 */
import { main } from "./program.js";

await main(process.argv);
