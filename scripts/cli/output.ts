/**
 * Output for people (tables, colour on a TTY, a progress line on long scans) and for machines
 * (`--json`).
 */
import Table from "cli-table3";
import pc from "picocolors";

/** How the current command prints. */
export interface Output {
  json: boolean;
  colors: ReturnType<typeof pc.createColors>;
  /** Prints a line for people (suppressed under --json). */
  line(text?: string): void;
  /** Prints a value as JSON (bigints as strings); under --json, the command's only stdout. */
  data(value: unknown): void;
  /** Prints one record of a stream as a single line of JSON (NDJSON), for `watch --json`. */
  record(value: unknown): void;
  /** A progress line on stderr, redrawn in place on a TTY; `done()` clears it. */
  progress(text: string): void;
  done(): void;
  table(head: string[], rows: (string | number)[][]): void;
}

/**
 * Creates the output for a command.
 *
 * @example
 * const out = createOutput({ json: false, color: undefined });
 */
export function createOutput(options: { json: boolean; color?: boolean }): Output {
  const stdoutTty = Boolean(process.stdout.isTTY);
  const stderrTty = Boolean(process.stderr.isTTY);
  const colorEnabled = options.color ?? (stdoutTty && !("NO_COLOR" in process.env));
  const colors = pc.createColors(colorEnabled);
  let progressShown = false;
  return {
    json: options.json,
    colors,
    line(text = "") {
      if (!options.json) process.stdout.write(`${text}\n`);
    },
    data(value) {
      process.stdout.write(`${toJson(value)}\n`);
    },
    record(value) {
      process.stdout.write(`${toJson(value, 0)}\n`);
    },
    progress(text) {
      if (!stderrTty || options.json) return;
      process.stderr.write(`\r\u001b[2K${colors.dim(text)}`);
      progressShown = true;
    },
    done() {
      if (progressShown) process.stderr.write("\r\u001b[2K");
      progressShown = false;
    },
    table(head, rows) {
      if (options.json) return;
      const table = new Table({
        head: head.map((cell) => colors.bold(cell)),
        style: { head: [], border: colorEnabled ? ["grey"] : [], compact: true },
      });
      for (const row of rows) table.push(row.map(String));
      process.stdout.write(`${table.toString()}\n`);
    },
  };
}

/** JSON with bigints as decimal strings, indented by `indent` spaces (0: one line). */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, inner: unknown) => (typeof inner === "bigint" ? inner.toString() : inner),
    indent,
  );
}

/** A short form of a 32-byte hex value or an address for tables: `0x1234…abcd`. */
export function short(hex: string, keep = 6): string {
  return hex.length > 2 * keep + 4 ? `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}` : hex;
}

/** A unix time (seconds) as an ISO date-time, UTC. */
export function formatTime(seconds: bigint | number): string {
  const value = Number(seconds);
  return value === 0 ? "-" : new Date(value * 1000).toISOString().replace(".000Z", "Z");
}

/** A duration in seconds, in words. */
export function formatDuration(seconds: bigint | number): string {
  let rest = Number(seconds);
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join(" ") || "0s";
}
