// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// @title Dependencies
// solhint-disable no-unused-import
// Compiles the OpenZeppelin contracts that deploy/ uses unchanged, so they are built with this project's compiler
// and EVM target (cancun): the alliance authority (AccessManager) and the proxy of every upgradeable core contract.
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
