/**
 * A dApp on AssetLedger that knows the platform only through the packed SDK (`@assetledger/sdk`) and ethers:
 *   1. reads the register of a security token (who holds it, through which wallets, what share);
 *   2. explains a transfer the compliance pipeline refuses (ERC-1404 code, the pipeline's explanation, and the
 *      custom error the token reverts with, decoded);
 *   3. sends a gasless coin payment: the holder signs an EIP-3009 transfer authorization, a relayer submits it.
 *
 *   npm install && npm run build
 *   ASSETLEDGER_RPC_URL=… ASSETLEDGER_ASSET=0x… HOLDER_KEY=0x… RELAYER_KEY=0x… PAYEE=0x… OUTSIDER=0x… npm start
 *
 * The contracts' addresses come from the SDK's address book (the chain's saved deployments); the last line it
 * prints is a JSON summary (`RESULT {…}`) for scripts.
 */
import { JsonRpcProvider, Wallet, formatUnits } from "ethers";
import {
  Compliance__factory,
  ISecurityToken__factory,
  SettlementCoin__factory,
  addressBook,
  describeExplanation,
  describeRestriction,
  readRegister,
} from "@assetledger/sdk";
import { decodePlatformError } from "@assetledger/sdk/errors";
import { authorization, authorizationArgs, domainOf, signAuthorization } from "@assetledger/sdk/signatures";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see the header of src/main.ts)`);
  return value;
}

async function main(): Promise<void> {
  const provider = new JsonRpcProvider(env("ASSETLEDGER_RPC_URL"), undefined, { staticNetwork: true });
  const { chainId } = await provider.getNetwork();
  const book = addressBook(chainId);
  const holder = new Wallet(env("HOLDER_KEY"), provider);
  const relayer = new Wallet(env("RELAYER_KEY"), provider);
  const [asset, payee, outsider] = [env("ASSETLEDGER_ASSET"), env("PAYEE"), env("OUTSIDER")];
  console.log(
    `chain ${chainId} (${book.network}): ${Object.keys(book.contracts).length} deployments in the address book`,
  );

  // 1. The register.
  const register = await readRegister(provider, { asset });
  console.log(`register of ${asset} at block ${register.blockNumber}: supply ${register.totalSupply}`);
  for (const row of register.rows) {
    console.log(`  ${row.investor.slice(0, 10)}… ${row.balance} (${row.share}) in ${row.wallets.join(", ")}`);
  }

  // 2. A refused transfer, explained.
  const token = ISecurityToken__factory.connect(asset, holder);
  const compliance = Compliance__factory.connect(book.contracts.Compliance.address, provider);
  const code = await token.detectTransferRestriction(holder.address, outsider, 1n);
  const explanation = await compliance.explainTransfer(asset, holder.address, outsider, 1n);
  let revert = "not refused";
  try {
    await token.transfer.staticCall(outsider, 1n);
  } catch (error) {
    revert = decodePlatformError(error).sentence;
  }
  console.log(`transfer of 1 to ${outsider}: ${describeRestriction(code)}`);
  console.log(`  explained: ${describeExplanation(explanation)}`);
  console.log(`  the token would revert: ${revert}`);

  // 3. A gasless payment: the holder signs, the relayer submits.
  const coinAddress = book.contracts.SettlementCoinUSD.address;
  const coin = SettlementCoin__factory.connect(coinAddress, relayer);
  const decimals = await coin.decimals();
  const amount = 25n * 10n ** decimals;
  const before = [await coin.balanceOf(holder.address), await coin.balanceOf(payee)];
  const latest = await provider.getBlock("latest");
  const message = authorization(holder.address, payee, amount, BigInt(latest!.timestamp + 3_600));
  const signature = await signAuthorization(holder, await domainOf(coin), "transfer", message);
  const receipt = await (
    await coin["transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"](
      ...authorizationArgs(message, signature),
    )
  ).wait();
  const after = [await coin.balanceOf(holder.address), await coin.balanceOf(payee)];
  const used = await coin.authorizationState(holder.address, message.nonce);
  console.log(
    `paid ${formatUnits(amount, decimals)} ${await coin.symbol()} from ${holder.address} to ${payee}, ` +
      `submitted by ${relayer.address} in block ${receipt!.blockNumber}; nonce used ${used}`,
  );

  const summary = {
    chainId: Number(chainId),
    register: {
      supply: register.totalSupply.toString(),
      rows: register.rows.map((row) => ({ investor: row.investor, balance: row.balance.toString(), share: row.share })),
      reconciled: register.reconciled,
    },
    refusal: { code: Number(code), explanation: describeExplanation(explanation), revert },
    payment: {
      from: holder.address,
      to: payee,
      relayer: relayer.address,
      amount: amount.toString(),
      holderPaid: (before[0] - after[0]).toString(),
      payeeReceived: (after[1] - before[1]).toString(),
      relayerIsHolder: relayer.address === holder.address,
      nonceUsed: used,
    },
  };
  console.log(`RESULT ${JSON.stringify(summary)}`);
}

main().catch((error: unknown) => {
  console.error(`the dApp failed: ${decodePlatformError(error).known ? decodePlatformError(error).sentence : error}`);
  process.exitCode = 1;
});
