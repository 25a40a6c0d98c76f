export { freePort, startHardhatNode, testWallets, type HardhatNode } from "../../scripts/lib/hardhat-node.js";
