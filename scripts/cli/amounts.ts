/**
 * Amounts with units: `1.5eth`, `200 OPG`, `250000gwei`, `42wei`, or a bare `1.5` (whole units
 * of the collateral). Shown back as `1.5 ETH` / `200 OPG`.
 */
import { formatUnits, parseUnits } from "ethers";
import { InvalidInputError } from "../../sdk/errors.js";

/** The registry's collateral: its symbol and decimals. */
export interface Collateral {
  /** `ETH` for the native currency (or the chain's symbol), else the token's symbol. */
  symbol: string;
  decimals: number;
  native: boolean;
  /** The token address; zero address for native. */
  address: string;
}

const NATIVE_UNITS: Record<string, number> = { eth: 18, ether: 18, gwei: 9, wei: 0 };

/**
 * Parses an amount in the collateral's units.
 *
 * @example
 * parseAmountWithUnit("compensation", "0.5eth", native) // 500000000000000000n
 */
export function parseAmountWithUnit(field: string, text: string, collateral: Collateral): bigint {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z][\w-]*)?\s*$/.exec(text);
  if (match === null) {
    throw new InvalidInputError(
      field,
      text,
      `is not an amount (e.g. 1.5${collateral.native ? "eth" : ` ${collateral.symbol}`})`,
    );
  }
  const [, number, rawUnit] = match;
  const unit = rawUnit?.toLowerCase();
  let decimals: number;
  if (unit === undefined || unit === collateral.symbol.toLowerCase()) decimals = collateral.decimals;
  else if (unit === "wei" || unit === "units") decimals = 0;
  else if (collateral.native && unit in NATIVE_UNITS) decimals = NATIVE_UNITS[unit];
  else {
    const accepted = collateral.native ? "eth, gwei or wei" : `${collateral.symbol} or wei`;
    throw new InvalidInputError(field, text, `has unit "${rawUnit}"; the collateral takes ${accepted}`);
  }
  let value: bigint;
  try {
    value = parseUnits(number, decimals);
  } catch {
    throw new InvalidInputError(field, text, `has more than ${decimals} decimals`);
  }
  if (value <= 0n) throw new InvalidInputError(field, text, "must be greater than zero");
  return value;
}

/**
 * Formats an amount of collateral for people.
 *
 * @example
 * formatAmount(1500000000000000000n, native) // "1.5 ETH"
 */
export function formatAmount(value: bigint, collateral: Collateral): string {
  const text = formatUnits(value, collateral.decimals);
  return `${text.endsWith(".0") ? text.slice(0, -2) : text} ${collateral.symbol}`;
}
