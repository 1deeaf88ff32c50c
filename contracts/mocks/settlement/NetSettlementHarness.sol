// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {NetSettlementCore} from "../../settlement/NetSettlementCore.sol";

/// @title NetSettlementHarness
/// @notice Test-only: the net-settlement module's batch machinery (`NetSettlementCore`) standing alone, with tables seeded without checks, so the gas test
/// can time the decoding and the trade loop of a batch by themselves (`measure`, an `eth_call`).
/// @dev Never shipped.
contract NetSettlementHarness is NetSettlementCore {
    /// @notice Appends `wallets` to the caller's participants (no checks).
    function seedParticipants(address[] calldata wallets) external {
        Clearer storage c = _clearer(msg.sender);
        uint32 first = c.counters.participantCount;
        for (uint256 i; i < wallets.length; ++i) {
            c.participants[first + i].wallet = wallets[i];
            c.participantIndex[wallets[i]] = first + i + 1;
        }
        c.counters.participantCount = first + uint32(wallets.length);
    }

    /// @notice Appends an instrument to the caller's table (no checks).
    function seedInstrument(address token, address coin, uint96 lotSize, uint96 tickSize) external {
        Clearer storage c = _clearer(msg.sender);
        uint32 index = c.counters.instrumentCount;
        c.instruments[index] = Instrument({token: token, lotSize: lotSize, coin: coin, tickSize: tickSize});
        c.counters.instrumentCount = index + 1;
    }

    /// @notice Sets the id the caller's next batch must start at (no checks).
    function seedNextTradeId(uint64 next) external {
        _clearer(msg.sender).counters.nextTradeId = next;
    }

    /// @notice The gas `submitBatch(batch)` of the caller spends decoding the header and in the trade loop (decode,
    /// net, Merkle), and the root.
    function measure(bytes calldata batch) external view returns (uint256 decodeGas, uint256 loopGas, bytes32 root) {
        Clearer storage c = _clearer(msg.sender);
        uint256 start = gasleft();
        Batch memory b = _decode(c, batch);
        uint256 decoded = gasleft();
        root = _netTrades(batch, b);
        loopGas = decoded - gasleft();
        decodeGas = start - decoded;
    }
}
