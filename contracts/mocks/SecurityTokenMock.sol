// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICompliance} from "../interfaces/compliance/ICompliance.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";
import {IERC1643} from "../interfaces/tokens/IERC1643.sol";
import {SecurityToken} from "../tokens/security/SecurityToken.sol";
import {ProductType} from "../types/ProductType.sol";

/// @title SecurityTokenMock
/// @notice Test only: the core as a concrete product (Equity-like, no terms), with the internal API exposed so
/// tests can drive the paths products use (escrow moves, unchecked issues and burns, the transfers-stopped flag,
/// internal snapshots).
contract SecurityTokenMock is SecurityToken {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        ICompliance compliance_,
        IIdentityRegistry registry_,
        address settlementEngine_
    ) SecurityToken(compliance_, registry_, settlementEngine_) {}

    function initialize(
        address authority,
        Instrument calldata instrument_,
        IERC1643.Document[] calldata documents,
        bytes calldata
    ) external initializer {
        __SecurityToken_init(authority, instrument_, documents);
    }

    /* The internal API, exposed (test only: nothing guards these). */

    function exposedMintChecked(address to, uint256 amount) external {
        _mintChecked(to, amount);
    }

    function exposedIssueUnchecked(address to, uint256 amount) external {
        _issueUnchecked(to, amount);
    }

    function exposedBurnUnchecked(address from, uint256 amount) external {
        _burnUnchecked(from, amount);
    }

    function exposedMoveUnchecked(address from, address to, uint256 amount) external {
        _moveUnchecked(from, to, amount);
    }

    function exposedSetTransfersStopped(bool stopped) external {
        _setTransfersStopped(stopped);
    }

    function exposedSnapshot() external returns (uint256) {
        return _snapshot();
    }

    function _productType() internal pure override returns (ProductType) {
        return ProductType.Equity;
    }
}
