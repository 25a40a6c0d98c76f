import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { registryArguments } from "./registryArguments.js";

/**
 * Deploys the Onus ResponsibilityRegistry. `collateralToken` is an ERC-20 address, or the zero
 * address (the default) for the native currency. Every other constructor argument is a parameter
 * too (see registryArguments.ts); the defaults suit a local chain.
 *
 *   npx hardhat ignition deploy ignition/modules/ResponsibilityRegistry.ts --network sepolia \
 *     --parameters ignition/parameters/sepolia.example.json5
 */
export default buildModule("ResponsibilityRegistry", (m) => {
  const collateral = m.getParameter<string>("collateralToken", "0x0000000000000000000000000000000000000000");
  const registry = m.contract("ResponsibilityRegistry", registryArguments(m, collateral));
  return { registry };
});
