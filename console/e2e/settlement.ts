/**
 * Browser tests of the settlement page and the asset lifecycle panel, run by suite.ts with its `test()` helper:
 * a DvP of shares against aUSD agreed by alice and bob through an exported instruction, a refused instruction
 * explained, a dividend declared by the issuer and claimed by a holder, a fund's NAV posted and a bond's coupon
 * funded by their administrator — each checked on chain with ethers.
 */
import { Contract, type JsonRpcProvider } from "ethers";
import type { Browser, Page } from "playwright-core";
import { injectWallet } from "./wallet";

/** What the tests borrow from suite.ts. */
export interface SuiteContext {
  url: string;
  browser: Browser;
  rpc: string;
  provider: JsonRpcProvider;
  seed: {
    accounts: Record<string, string>;
    coin: string;
    assets: { address: string; name: string; symbol: string }[];
    products?: { bond: string; fund: string };
    receipts?: { market: string; lot: string; quantity: string };
  };
  signIn(account: string): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
  expect(condition: boolean, message: string): void;
}

const BALANCE_ABI = ["function balanceOf(address) view returns (uint256)"];
const RECEIPT_ABI = ["function balanceOf(address,uint256) view returns (uint256)"];
const DISTRIBUTIONS_ABI = [
  "function distributionCount() view returns (uint256)",
  "function entitlementOf(uint256,address) view returns (uint256)",
  "function isPaid(uint256,address) view returns (bool)",
];
const COIN_UNIT = 10n ** 6n;

async function openSettlement(page: Page): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settlement" }).click();
  await page.getByRole("heading", { name: "Compose" }).waitFor();
}

async function fillLeg(page: Page, leg: number, token: string, from: string, to: string, amount: string) {
  await page.getByLabel(`Leg ${leg} asset`).selectOption(token);
  await page.getByLabel(`Leg ${leg} from`).fill(from);
  await page.getByLabel(`Leg ${leg} to`).fill(to);
  await page.getByLabel(`Leg ${leg} amount`).fill(amount);
}

/** alice composes, explains and signs; bob imports her export, signs and settles; balances move on chain. */
export async function dvpBetweenAliceAndBob(ctx: SuiteContext): Promise<void> {
  const { seed, expect } = ctx;
  const { alice, bob } = seed.accounts;
  const shares = new Contract(seed.assets[0].address, BALANCE_ABI, ctx.provider);
  const cash = new Contract(seed.coin, BALANCE_ABI, ctx.provider);
  const before = {
    aliceShares: (await shares.balanceOf(alice)) as bigint,
    bobShares: (await shares.balanceOf(bob)) as bigint,
    aliceCash: (await cash.balanceOf(alice)) as bigint,
    bobCash: (await cash.balanceOf(bob)) as bigint,
  };
  const page = await ctx.signIn("alice");
  await openSettlement(page);
  await page.getByLabel("Trade reference").fill("console-e2e DvP 1");
  await fillLeg(page, 1, seed.assets[0].address, alice, bob, "10");
  await fillLeg(page, 2, seed.coin, bob, alice, "250");
  await page.getByRole("button", { name: "Compose" }).click();
  await page.getByText(/^Composed instruction 0x[0-9a-f]{64}\.$/).waitFor();
  const id = await page.getByTestId("instruction-id").innerText();
  await page.getByRole("button", { name: "Explain" }).click();
  const explanation = page.getByTestId("settlement-explanation");
  await explanation.waitFor();
  const text = await explanation.innerText();
  expect(text.includes(`leg 0: 10 of ${seed.assets[0].symbol} from ${alice} to ${bob}`), `explanation: ${text}`);
  expect(text.includes(`leg 1: 250 of aUSD from ${bob} to ${alice}`), `explanation: ${text}`);
  expect(text.includes("has not consented"), `unsigned legs are explained as awaiting consent: ${text}`);
  const once = await page.getByTestId("once-signed").innerText();
  expect(once.includes("all legs would move"), `once signed: ${once}`);
  await page.getByRole("button", { name: "Sign", exact: true }).click();
  await page.getByText(`Signed as ${alice.slice(0, 6)}`).waitFor();
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export JSON" }).click();
  await downloading;
  const exported = await page.getByLabel(/Exported instruction/).inputValue();
  expect(exported.includes(alice), "the export carries alice's signature");
  await ctx.shot(page, "09-settlement-alice");
  await page.context().close();

  const bobPage = await ctx.signIn("bob");
  await openSettlement(bobPage);
  await bobPage.getByLabel("Instruction JSON").fill(exported);
  await bobPage.getByRole("button", { name: "Import", exact: true }).click();
  await bobPage.getByText(`Imported instruction ${id} with 1 signature(s).`).waitFor();
  await bobPage.getByRole("button", { name: "Sign", exact: true }).click();
  await bobPage.getByText(`Signed as ${bob.slice(0, 6)}`).waitFor();
  await bobPage.getByRole("button", { name: "Explain" }).click();
  await bobPage.getByTestId("settlement-explanation").getByText("the instruction would settle now").waitFor();
  await bobPage.getByRole("button", { name: "Settle" }).click();
  await bobPage.getByText(`Settled instruction ${id}.`).waitFor({ timeout: 60_000 });
  await ctx.shot(bobPage, "10-settlement-settled");
  expect((await shares.balanceOf(alice)) === before.aliceShares - 10n, "alice delivered 10 shares on chain");
  expect((await shares.balanceOf(bob)) === before.bobShares + 10n, "bob received 10 shares on chain");
  expect((await cash.balanceOf(alice)) === before.aliceCash + 250n * COIN_UNIT, "alice was paid 250 aUSD on chain");
  expect((await cash.balanceOf(bob)) === before.bobCash - 250n * COIN_UNIT, "bob paid 250 aUSD on chain");
  // Settled once: the engine now refuses it, and the page says why.
  await bobPage.getByRole("button", { name: "Explain" }).click();
  await bobPage
    .getByTestId("settlement-explanation")
    .getByText(/it settled already/)
    .waitFor();
  await bobPage.context().close();
}

/**
 * A receipt market's lot against aUSD: alice composes a leg of 100 kg of her lot (the page asks the lot id and the
 * quantity and signs a lot amount), bob imports, signs and settles; the lot's units and the cash move on chain.
 */
export async function receiptLotDvp(ctx: SuiteContext): Promise<void> {
  const { seed, expect } = ctx;
  const { alice, bob } = seed.accounts;
  const receipts = seed.receipts;
  expect(receipts !== undefined, "the seed opened a receipt market");
  if (!receipts) return;
  const market = new Contract(receipts.market, RECEIPT_ABI, ctx.provider);
  const cash = new Contract(seed.coin, BALANCE_ABI, ctx.provider);
  const lot = BigInt(receipts.lot);
  const before = {
    alice: (await market.balanceOf(alice, lot)) as bigint,
    bob: (await market.balanceOf(bob, lot)) as bigint,
    cash: (await cash.balanceOf(alice)) as bigint,
  };
  const page = await ctx.signIn("alice");
  // The market's own page: a receipt market is not a security (no ERC-20 supply or register).
  await page.goto(`${ctx.url}#/assets/${receipts.market}`);
  const product = await page.getByTestId("product").innerText();
  expect(product === "CommodityReceipt", `the market's page names its product: ${product}`);
  await openSettlement(page);
  await page.getByLabel("Trade reference").fill("console-e2e copper lot");
  await page.getByLabel("Leg 1 asset").selectOption(receipts.market);
  await page.getByLabel("Leg 1 from").fill(alice);
  await page.getByLabel("Leg 1 to").fill(bob);
  await page.getByLabel("Leg 1 lot id").fill(receipts.lot);
  await page.getByLabel("Leg 1 quantity").fill("100");
  await fillLeg(page, 2, seed.coin, bob, alice, "1200");
  await page.getByRole("button", { name: "Compose" }).click();
  await page.getByText(/^Composed instruction 0x[0-9a-f]{64}\.$/).waitFor();
  await page.getByRole("button", { name: "Explain" }).click();
  const text = await page.getByTestId("settlement-explanation").innerText();
  expect(text.includes(`leg 0: 100 units of lot ${receipts.lot}`), `explanation: ${text}`);
  await page.getByRole("button", { name: "Sign", exact: true }).click();
  await page.getByText(`Signed as ${alice.slice(0, 6)}`).waitFor();
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export JSON" }).click();
  await downloading;
  const exported = await page.getByLabel(/Exported instruction/).inputValue();
  await page.context().close();

  const bobPage = await ctx.signIn("bob");
  await openSettlement(bobPage);
  await bobPage.getByLabel("Instruction JSON").fill(exported);
  await bobPage.getByRole("button", { name: "Import", exact: true }).click();
  await bobPage.getByText(/with 1 signature\(s\)\./).waitFor();
  await bobPage.getByRole("button", { name: "Sign", exact: true }).click();
  await bobPage.getByText(`Signed as ${bob.slice(0, 6)}`).waitFor();
  await bobPage.getByRole("button", { name: "Settle" }).click();
  await bobPage.getByText(/^Settled instruction 0x/).waitFor({ timeout: 60_000 });
  await ctx.shot(bobPage, "14-settlement-receipt-lot");
  expect((await market.balanceOf(alice, lot)) === before.alice - 100n, "alice delivered 100 kg of her lot on chain");
  expect((await market.balanceOf(bob, lot)) === before.bob + 100n, "bob received 100 kg of the lot on chain");
  expect((await cash.balanceOf(alice)) === before.cash + 1_200n * COIN_UNIT, "alice was paid 1,200 aUSD on chain");
  await bobPage.context().close();
}

/** An instruction above the sender's balance is explained as refused, and settling it shows the decoded error. */
export async function refusedInstructionExplained(ctx: SuiteContext): Promise<void> {
  const { seed, expect } = ctx;
  const { alice, bob } = seed.accounts;
  const shares = new Contract(seed.assets[0].address, BALANCE_ABI, ctx.provider);
  const held: bigint = await shares.balanceOf(alice);
  const page = await ctx.signIn("alice");
  await openSettlement(page);
  await page.getByLabel("Trade reference").fill("console-e2e too much");
  await page.getByRole("button", { name: "Remove leg 2" }).click();
  await fillLeg(page, 1, seed.assets[0].address, alice, bob, String(held + 1n));
  await page.getByRole("button", { name: "Compose" }).click();
  await page.getByText(/^Composed instruction/).waitFor();
  await page.getByRole("button", { name: "Sign", exact: true }).click();
  await page.getByText(`Signed as ${alice.slice(0, 6)}`).waitFor();
  await page.getByRole("button", { name: "Explain" }).click();
  const explanation = page.getByTestId("settlement-explanation");
  await explanation.getByText(/the instruction would not settle/).waitFor();
  const text = await explanation.innerText();
  expect(/leg 0: .* would not move: /.test(text), `explanation: ${text}`);
  expect(!text.includes("has not consented"), `alice's signature counts: ${text}`);
  expect((await page.getByTestId("once-signed").innerText()).includes("leg 0 would not move"), "once-signed line");
  await page.getByRole("button", { name: "Settle" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor({ timeout: 60_000 });
  const said = await alert.innerText();
  expect(/settlement|leg|balance/i.test(said), `settle refused in words: ${said}`);
  expect((await shares.balanceOf(alice)) === held, "nothing moved on chain");
  await ctx.shot(page, "11-settlement-refused");
  await page.context().close();
}

/** The issuer declares a dividend on the ordinary shares; alice claims hers; both checked on chain. */
export async function dividendDeclaredAndClaimed(ctx: SuiteContext): Promise<void> {
  const { seed, expect, url } = ctx;
  const asset = seed.assets[0].address;
  const distributions = new Contract(asset, DISTRIBUTIONS_ABI, ctx.provider);
  const cash = new Contract(seed.coin, BALANCE_ABI, ctx.provider);
  const count = Number(await distributions.distributionCount());
  const page = await ctx.signIn("issuer");
  await page.goto(`${url}#/assets/${asset}`);
  await page.getByLabel(/Dividend amount/).fill("1000");
  await page.getByRole("button", { name: "Declare dividend" }).click();
  await page.getByText(/^Declared a dividend of 1[,.\s\u00a0\u202f]?000 aUSD/).waitFor({ timeout: 60_000 });
  const id = count + 1;
  expect(Number(await distributions.distributionCount()) === id, "one distribution more on chain");
  await page.getByTestId(`distribution-${id}`).waitFor();
  await ctx.shot(page, "12-dividend-declared");
  await page.context().close();

  const holder = await ctx.signIn("alice");
  await holder.goto(`${url}#/assets/${asset}`);
  await holder.getByTestId("lifecycle").waitFor();
  expect(
    (await holder.getByRole("button", { name: "Declare dividend" }).count()) === 0,
    "a holder is not offered the issuer's dividend form",
  );
  const entitled: bigint = await distributions.entitlementOf(id, seed.accounts.alice);
  expect(entitled > 0n, "alice is entitled on chain");
  const before: bigint = await cash.balanceOf(seed.accounts.alice);
  await holder.getByRole("button", { name: `Claim ${id}` }).click();
  await holder.getByText(`Claimed distribution ${id}.`).waitFor({ timeout: 60_000 });
  expect(await distributions.isPaid(id, seed.accounts.alice), "alice's claim is paid on chain");
  expect((await cash.balanceOf(seed.accounts.alice)) === before + entitled, "alice received her entitlement");
  await holder.getByTestId(`distribution-${id}`).getByText("paid", { exact: true }).first().waitFor();
  await holder.context().close();
}

/** The issuer (the fund's and the bond's administrator) posts a NAV and funds coupon 1; a holder sees neither form. */
export async function navPostedAndCouponFunded(ctx: SuiteContext): Promise<void> {
  const { seed, expect, url } = ctx;
  const { bond, fund } = seed.products!;
  const page = await ctx.signIn("issuer");
  await page.goto(`${url}#/assets/${fund}`);
  await page.getByLabel(/NAV per unit/).fill("1.0425");
  await page.getByRole("button", { name: "Post NAV" }).click();
  await page.getByText("Posted a NAV of 1.0425 aUSD per unit.").waitFor({ timeout: 60_000 });
  const nav = await new Contract(
    fund,
    ["function latestNav() view returns (tuple(uint128 navPerUnit, uint48 valuationTime, uint48 postedAt))"],
    ctx.provider,
  ).latestNav();
  expect(nav.navPerUnit === 1_042_500n, `NAV on chain ${nav.navPerUnit}`);
  await page.goto(`${url}#/assets/${bond}`);
  await page.getByLabel("Coupon period").fill("1");
  await page.getByRole("button", { name: "Fund coupon" }).click();
  await page.getByText("Funded coupon 1.").waitFor({ timeout: 60_000 });
  const distributions = new Contract(bond, DISTRIBUTIONS_ABI, ctx.provider);
  expect(Number(await distributions.distributionCount()) === 1, "the coupon's distribution is open on chain");
  expect((await distributions.entitlementOf(1, seed.accounts.alice)) > 0n, "alice is entitled to the coupon");
  await page
    .getByTestId("distribution-1")
    .getByText(/coupon of/)
    .waitFor();
  await ctx.shot(page, "13-coupon-funded");
  await page.context().close();
  const holder = await ctx.signIn("alice");
  await holder.goto(`${url}#/assets/${bond}`);
  await holder.getByRole("button", { name: "Claim 1" }).waitFor();
  expect((await holder.getByRole("button", { name: "Fund coupon" }).count()) === 0, "no coupon form for a holder");
  await holder.goto(`${url}#/assets/${fund}`);
  await holder.getByTestId("lifecycle").waitFor();
  expect((await holder.getByRole("button", { name: "Post NAV" }).count()) === 0, "no NAV form for a holder");
  await holder.context().close();
}

/**
 * An injected EIP-1193 wallet (bob's, forwarded to anvil, which holds the dev accounts unlocked) signs an
 * instruction with eth_signTypedData_v4 and sends its settlement: bob pays alice 1 aUSD.
 */
export async function injectedWalletSignsAndSettles(ctx: SuiteContext): Promise<void> {
  const { seed, expect } = ctx;
  const { alice, bob } = seed.accounts;
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const methods: string[] = [];
  await injectWallet(context, ctx.rpc, bob, (method) => void methods.push(method));
  const cash = new Contract(seed.coin, BALANCE_ABI, ctx.provider);
  const before: bigint = await cash.balanceOf(alice);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(ctx.url);
  await page.getByRole("button", { name: "Connect browser wallet" }).click();
  await page.getByTestId("who").waitFor();
  await openSettlement(page);
  await page.getByLabel("Trade reference").fill("console-e2e injected");
  await page.getByRole("button", { name: "Remove leg 2" }).click();
  await fillLeg(page, 1, seed.coin, bob, alice, "1");
  await page.getByRole("button", { name: "Compose" }).click();
  await page.getByText(/^Composed instruction/).waitFor();
  await page.getByRole("button", { name: "Sign", exact: true }).click();
  await page.getByText(`Signed as ${bob.slice(0, 6)}`).waitFor();
  expect(methods.includes("eth_signTypedData_v4"), `wallet methods: ${[...new Set(methods)].join(", ")}`);
  await page.getByRole("button", { name: "Settle" }).click();
  const settled = page.getByText(/^Settled instruction 0x/);
  await settled.or(page.getByRole("alert")).waitFor({ timeout: 60_000 });
  await ctx.shot(page, "14-settlement-injected");
  expect(await settled.isVisible(), `settle: ${await page.getByRole("alert").allInnerTexts()}`);
  expect((await cash.balanceOf(alice)) === before + COIN_UNIT, "alice received 1 aUSD on chain");
  await context.close();
}
