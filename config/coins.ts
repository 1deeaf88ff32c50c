/** The settlement coins the alliance deploys: one per currency, each with its own deployment name. */
export interface CoinConfig {
  /** hardhat-deploy deployment name. */
  deployment: string;
  name: string;
  symbol: string;
  decimals: number;
  /** 0 Open, 1 Eligible (verified investors and active members only). */
  holderPolicy: 0 | 1;
  /** How old the latest reserve attestation may be for minting to go on, in seconds. */
  maxAttestationAge: number;
}

export const coins: CoinConfig[] = [
  {
    deployment: "SettlementCoinCNY",
    name: "Alliance Settlement Yuan",
    symbol: "aCNY",
    decimals: 2,
    holderPolicy: 1,
    maxAttestationAge: 2 * 86_400,
  },
  {
    deployment: "SettlementCoinUSD",
    name: "Alliance Settlement Dollar",
    symbol: "aUSD",
    decimals: 6,
    holderPolicy: 1,
    maxAttestationAge: 2 * 86_400,
  },
];
