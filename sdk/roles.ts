/**
 * The alliance's role ids (OpenZeppelin AccessManager `uint64`), generated from config/roles.ts by
 * `npx hardhat compile` (test/sdk/package.test.ts proves they agree).
 */
export { Role, type RoleName } from "./generated/roles";
