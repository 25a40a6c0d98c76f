import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { registryArguments } from "./registryArguments.js";

/**
 * For local chains: a demo ERC-20 ("Onus Demo Token", OPG), minted to the first ten accounts,
 * and a registry that uses it as collateral. `npm run chain -- --collateral token` deploys this.
 */
export default buildModule("OnusLocalDemo", (m) => {
  const token = m.contract("MockERC20", ["Onus Demo Token", "OPG", 18]);
  const supplyPerAccount = m.getParameter("demoTokensPerAccount", 10_000n * 10n ** 18n);
  for (let index = 0; index < 10; index++) {
    m.call(token, "mint", [m.getAccount(index), supplyPerAccount], { id: `mint_account_${index}` });
  }
  const registry = m.contract("ResponsibilityRegistry", registryArguments(m, token));
  return { token, registry };
});
