/**
 * Operator commands for issued assets, over the AssetFactory, the authority and sdk/register.ts:
 *   npx hardhat asset:list [--issuer 0x…] [--product Bond]
 *   npx hardhat register:export --asset 0x… [--snapshot 3 | --block 1234567] [--out register.csv]
 *   npx hardhat product:upgrade --product Bond --implementation BondV2        (validate, deploy, schedule)
 *   npx hardhat product:upgrade --product Bond --implementation 0x… --execute (once the delay has passed)
 *   npx hardhat product:rollout --product Bond [--assets 0x…,0x…] [--batch 50]
 */
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { AllianceAuthority, AssetFactory } from "../typechain-types";

async function factoryAt(hre: HardhatRuntimeEnvironment, signerName?: string): Promise<AssetFactory> {
  const deployment = await hre.deployments.get("AssetFactory");
  const signer = signerName ? await hre.ethers.getSigner(await addressOf(hre, signerName)) : undefined;
  return (await hre.ethers.getContractAt("AssetFactory", deployment.address, signer)) as unknown as AssetFactory;
}

async function authorityAt(hre: HardhatRuntimeEnvironment, signerName?: string): Promise<AllianceAuthority> {
  const deployment = await hre.deployments.get("AllianceAuthority");
  const signer = signerName ? await hre.ethers.getSigner(await addressOf(hre, signerName)) : undefined;
  return (await hre.ethers.getContractAt(
    "AllianceAuthority",
    deployment.address,
    signer,
  )) as unknown as AllianceAuthority;
}

/** A named account of hardhat.config.ts, or an address. */
async function addressOf(hre: HardhatRuntimeEnvironment, nameOrAddress: string): Promise<string> {
  const named = await hre.getNamedAccounts();
  return hre.ethers.getAddress(named[nameOrAddress] ?? nameOrAddress);
}

/** Every asset of a product type in the registry, oldest first. */
async function allAssetsOf(factory: AssetFactory, productType: number, pageSize = 500n): Promise<string[]> {
  const count = await factory.assetCountByProduct(productType);
  const out: string[] = [];
  for (let offset = 0n; offset < count; offset += pageSize) {
    for (const entry of await factory.assetsByProduct(productType, offset, pageSize)) out.push(entry.asset);
  }
  return out;
}

task(
  "asset:list",
  "Lists the assets the factory issued, by issuer and/or product type — e.g. npx hardhat asset:list --product Bond",
)
  .addOptionalParam("issuer", "only this issuer's assets (named account or address)")
  .addOptionalParam("product", "only this product type (Equity, Bond, Fund…)")
  .setAction(async (args: { issuer?: string; product?: string }, hre) => {
    const { ProductType, productTypeOf } = await import("../sdk/assets");
    const factory = await factoryAt(hre);
    const product = args.product === undefined ? undefined : productTypeOf(args.product);
    const pageSize = 500n;
    const entries: Awaited<ReturnType<AssetFactory["assetsByProduct"]>> = [];
    if (args.issuer !== undefined) {
      const issuer = await addressOf(hre, args.issuer);
      const count = await factory.assetCountByIssuer(issuer);
      for (let offset = 0n; offset < count; offset += pageSize) {
        entries.push(...(await factory.assetsByIssuer(issuer, offset, pageSize)));
      }
      entries.reverse(); // the issuer's list is newest first: show issue order like the product lists
    } else {
      const types =
        product === undefined
          ? [ProductType.Equity, ProductType.Bond, ProductType.Fund, ProductType.Option, ProductType.Future]
          : [product];
      for (const type of types) {
        const count = await factory.assetCountByProduct(type);
        for (let offset = 0n; offset < count; offset += pageSize) {
          entries.push(...(await factory.assetsByProduct(type, offset, pageSize)));
        }
      }
    }
    const rows = [];
    for (const entry of entries) {
      if (product !== undefined && Number(entry.productType) !== product) continue;
      const info = await factory.assetInfo(entry.asset);
      rows.push({
        asset: entry.asset,
        product: ProductType[Number(entry.productType)],
        index: Number(entry.index),
        issuer: info.issuer,
        symbol: info.instrument.symbol,
        name: info.instrument.name,
        securityCode: hre.ethers.decodeBytes32String(hre.ethers.zeroPadBytes(info.instrument.securityCode, 32)),
        issuedAt: new Date(Number(entry.issuedAt) * 1000).toISOString(),
      });
    }
    if (rows.length === 0) console.log("No asset matches.");
    else console.table(rows);
    return rows;
  });

task(
  "register:export",
  "Exports an asset's ownership register (investor, wallets, balance, share) as CSV — e.g. npx hardhat register:export --asset 0x… --snapshot 3 --out register.csv",
)
  .addParam("asset", "the asset's address")
  .addOptionalParam("snapshot", "a record-date snapshot id", undefined, types.string)
  .addOptionalParam("block", "a block number (default: the latest)", undefined, types.int)
  .addOptionalParam("fromBlock", "start scanning Transfer logs at this block", 0, types.int)
  .addOptionalParam("out", "write the CSV to this file instead of printing it")
  .setAction(
    async (args: { asset: string; snapshot?: string; block?: number; fromBlock: number; out?: string }, hre) => {
      const { readRegister, registerToCsv } = await import("../sdk/register");
      if (args.snapshot !== undefined && args.block !== undefined) {
        throw new Error("give --snapshot or --block, not both");
      }
      const register = await readRegister(hre.ethers.provider, {
        asset: hre.ethers.getAddress(args.asset),
        snapshot: args.snapshot === undefined ? undefined : BigInt(args.snapshot),
        block: args.block,
        fromBlock: args.fromBlock,
      });
      const csv = registerToCsv(register);
      const at = register.snapshot !== undefined ? `snapshot ${register.snapshot}` : `block ${register.blockNumber}`;
      if (args.out) {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(args.out, csv);
        console.log(`${register.rows.length} investor(s) at ${at} written to ${args.out}`);
      } else {
        process.stdout.write(csv);
      }
      if (!register.reconciled) {
        console.warn(`warning: the rows do not add up to the supply (${register.totalSupply}) at ${at}`);
      }
      return register;
    },
  );

task(
  "product:upgrade",
  "Validates a product's new implementation against the current one, deploys it and schedules it — e.g. npx hardhat product:upgrade --product Equity --implementation EquityV2",
)
  .addParam("product", "the product type (Equity, Bond, Fund…)")
  .addParam(
    "implementation",
    "the new implementation: a contract name (validated and deployed), or with --execute its address",
  )
  .addOptionalParam("from", "the UPGRADER's named account or address", "governor")
  .addFlag("execute", "execute the scheduled setProductImplementation (once its delay has passed)")
  .setAction(async (args: { product: string; implementation: string; from: string; execute: boolean }, hre) => {
    const { productTypeOf } = await import("../sdk/assets");
    const productType = productTypeOf(args.product);
    const factory = await factoryAt(hre);
    const authority = await authorityAt(hre, args.from);
    const upgrader = await addressOf(hre, args.from);
    const factoryAddress = await factory.getAddress();
    const selector = factory.interface.getFunction("setProductImplementation").selector;
    const [immediate, delay] = await authority.canCall(upgrader, factoryAddress, selector);
    if (!immediate && delay === 0n) throw new Error(`${upgrader} may not set product implementations (UPGRADER)`);

    let implementation: string;
    if (args.execute) {
      implementation = hre.ethers.getAddress(args.implementation);
    } else {
      const current = await factory.productImplementation(productType);
      if (current === hre.ethers.ZeroAddress) {
        throw new Error(`${args.product} has no implementation yet: deploy the products first`);
      }
      const { productConstructorArgs } = await import("../scripts/lib/products");
      const newImplementation = await hre.ethers.getContractFactory(args.implementation);
      // The deployed pipeline, registry and (for products that have one) lifecycle contract, as many of them as
      // the new implementation's constructor takes.
      const arity = newImplementation.interface.deploy.inputs.length;
      const constructorArgs = (await productConstructorArgs(hre, args.product)).slice(0, arity);
      const options = { kind: "uups" as const, constructorArgs };
      // Throws, naming every incompatibility, when the new layout does not extend the current one.
      await hre.upgrades.validateUpgrade(current, newImplementation, options);
      implementation = (await hre.upgrades.prepareUpgrade(current, newImplementation, options)) as string;
      console.log(`${args.implementation} is storage-compatible with ${current}; deployed at ${implementation}`);
    }

    const data = factory.interface.encodeFunctionData("setProductImplementation", [productType, implementation]);
    const operationId = await authority.hashOperation(upgrader, factoryAddress, data);
    if (immediate || args.execute) {
      if (delay > 0n) {
        const due = await authority.getSchedule(operationId);
        if (due === 0n) throw new Error("nothing is scheduled: run product:upgrade without --execute first");
        const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
        if (due > BigInt(now)) throw new Error(`the upgrade is due at ${new Date(Number(due) * 1000).toISOString()}`);
      }
      await (await authority.execute(factoryAddress, data)).wait();
      console.log(`${args.product} assets are now issued from ${implementation}; run product:rollout to upgrade them`);
      return { implementation, operationId, executed: true };
    }
    await (await authority.schedule(factoryAddress, data, 0)).wait();
    const due = await authority.getSchedule(operationId);
    console.log(
      `scheduled setProductImplementation(${args.product}, ${implementation}) as ${operationId}, ` +
        `due at ${new Date(Number(due) * 1000).toISOString()}: then run product:upgrade --execute`,
    );
    return { implementation, operationId, executed: false, due };
  });

task(
  "product:rollout",
  "Upgrades a product type's assets to its current implementation — e.g. npx hardhat product:rollout --product Equity --batch 50",
)
  .addParam("product", "the product type (Equity, Bond, Fund…)")
  .addOptionalParam("assets", "comma-separated assets (default: every asset of the type in the registry)")
  .addOptionalParam("batch", "assets per transaction", 50, types.int)
  .addOptionalParam("from", "any account (rollOut is public)", "deployer")
  .setAction(async (args: { product: string; assets?: string; batch: number; from: string }, hre) => {
    const { productTypeOf } = await import("../sdk/assets");
    const productType = productTypeOf(args.product);
    const factory = await factoryAt(hre, args.from);
    const assets = args.assets
      ? args.assets.split(",").map((asset) => hre.ethers.getAddress(asset.trim()))
      : await allAssetsOf(factory, productType);
    const { progress } = await import("../scripts/lib/progress");
    const bar = progress(`${args.product} rollout`, assets.length);
    for (let i = 0; i < assets.length; i += args.batch) {
      const batch = assets.slice(i, i + args.batch);
      await (await factory.rollOut(productType, batch)).wait();
      bar.tick(batch.length);
    }
    bar.done(
      `${assets.length} ${args.product} asset(s) upgraded to ${await factory.productImplementation(productType)}`,
    );
    return assets;
  });
