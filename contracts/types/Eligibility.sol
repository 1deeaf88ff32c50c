// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @notice One wallet's eligibility, packed in a single storage word so a transfer learns everything about a
/// party from one SLOAD:
///
/// | bits    | field          | meaning                                                          |
/// | ------- | -------------- | ---------------------------------------------------------------- |
/// | 0–31    | investorIndex  | the registry's internal index of the wallet's investor; 0 = none |
/// | 32–47   | country        | ISO 3166-1 numeric country code (1–999)                           |
/// | 48–111  | claims         | bitmap of claims (names live in `sdk/claims.ts`)                  |
/// | 112–159 | expiry         | unix time at which the attestation stops being valid             |
/// | 160–167 | walletCount    | how many wallets the investor's index has ever had (1–32)        |
///
/// @dev The identity registry is the only writer; every wallet of an investor carries the same word (index,
/// country, claims, expiry and wallet count), so updating an investor, adding a wallet or recovering one rewrites
/// each of its wallets. The wallet count counts every wallet ever linked to the index (current ones, removed ones,
/// lost ones recovered away) and never decreases: a count of 1 means no other wallet was ever linked to the index,
/// so no other wallet can hold anything under it (the tokens' and the pipeline's "sole wallet" shortcut).
/// Bits 168–255 are zero.
type Eligibility is uint256;

using EligibilityLib for Eligibility global;

/// @title EligibilityLib
/// @notice Packs and reads the `Eligibility` word.
library EligibilityLib {
    uint256 private constant _INDEX_MASK = type(uint32).max;
    uint256 private constant _COUNTRY_SHIFT = 32;
    uint256 private constant _CLAIMS_SHIFT = 48;
    uint256 private constant _EXPIRY_SHIFT = 112;
    uint256 private constant _WALLET_COUNT_SHIFT = 160;

    /// @notice Packs the fields of an eligibility word.
    function pack(
        uint32 index,
        uint16 countryCode,
        uint64 claimBits,
        uint48 expiresAt,
        uint8 wallets
    ) internal pure returns (Eligibility) {
        return
            Eligibility.wrap(
                uint256(index) |
                    (uint256(countryCode) << _COUNTRY_SHIFT) |
                    (uint256(claimBits) << _CLAIMS_SHIFT) |
                    (uint256(expiresAt) << _EXPIRY_SHIFT) |
                    (uint256(wallets) << _WALLET_COUNT_SHIFT)
            );
    }

    /// @notice The investor index, 0 when the wallet is not registered.
    function investorIndex(Eligibility e) internal pure returns (uint32) {
        return uint32(Eligibility.unwrap(e) & _INDEX_MASK);
    }

    /// @notice Whether the wallet belongs to a registered investor.
    function isRegistered(Eligibility e) internal pure returns (bool) {
        return Eligibility.unwrap(e) & _INDEX_MASK != 0;
    }

    /// @notice The investor's ISO 3166-1 numeric country code.
    function country(Eligibility e) internal pure returns (uint16) {
        return uint16(Eligibility.unwrap(e) >> _COUNTRY_SHIFT);
    }

    /// @notice The investor's claims bitmap.
    function claims(Eligibility e) internal pure returns (uint64) {
        return uint64(Eligibility.unwrap(e) >> _CLAIMS_SHIFT);
    }

    /// @notice When the investor's attestation expires.
    function expiry(Eligibility e) internal pure returns (uint48) {
        return uint48(Eligibility.unwrap(e) >> _EXPIRY_SHIFT);
    }

    /// @notice How many wallets the investor's index has ever had (0 when the wallet is not registered).
    function walletCount(Eligibility e) internal pure returns (uint8) {
        return uint8(Eligibility.unwrap(e) >> _WALLET_COUNT_SHIFT);
    }

    /// @notice Whether the wallet is registered, its attestation has not expired at `nowTime`, and it holds every
    /// claim in `required`.
    function isVerified(Eligibility e, uint64 required, uint256 nowTime) internal pure returns (bool) {
        return isRegistered(e) && expiry(e) > nowTime && claims(e) & required == required;
    }
}
