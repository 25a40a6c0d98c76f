export { anyUint, anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";

/** `.withArgs` predicate for a 32-byte hex value the test does not pin down. */
export function anyHex(value: unknown): boolean {
  return typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value);
}
