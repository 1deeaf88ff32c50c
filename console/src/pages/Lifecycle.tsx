/**
 * An asset's lifecycle, on its page: distributions (dividends, coupons) with each holder's entitlement and a
 * "Claim" for the signed-in holder; and for the wallets the AccessManager lets call them (`canCall`, so the panel
 * offers exactly what the chain would accept), an equity's cash dividend, a fund's NAV and a bond's coupon.
 */
import { useState } from "react";
import { formatUnits, parseUnits } from "ethers";
import {
  Equity__factory,
  IBond__factory,
  IDistributions__factory,
  IEquity__factory,
  IFund__factory,
  ProductType,
  SettlementCoin__factory,
  readRegister,
} from "@assetledger/sdk";
import type { Session } from "../chain";
import { formatAmount, formatTime, short } from "../format";
import { Field, Loading, Notice, Progress, send, useAction, useLoad } from "../ui";

interface Claim {
  holder: string;
  entitled: bigint;
  paid: boolean;
}

interface DistributionRow {
  id: number;
  kind: number;
  funded: bigint;
  paid: bigint;
  deadline: number;
  snapshot: number;
  claims: Claim[];
}

async function loadLifecycle(session: Session, asset: string, productType: number) {
  const me = session.identity.address;
  const distributions = IDistributions__factory.connect(asset, session.provider);
  const coinAddress = await distributions.settlementCoin();
  const coin = SettlementCoin__factory.connect(coinAddress, session.provider);
  // A fund pays no distributions (it deals subscriptions and redemptions at its NAV).
  const paysDistributions = productType !== ProductType.Fund;
  const [coinDecimals, coinSymbol, count] = await Promise.all([
    coin.decimals(),
    coin.symbol(),
    paysDistributions ? distributions.distributionCount() : 0n,
  ]);
  const may = async (iface: { getFunction(name: string): { selector: string } | null }, name: string) =>
    (await session.contracts.authority.canCall(me, asset, iface.getFunction(name)!.selector))[0];
  const rows: DistributionRow[] = [];
  for (let id = 1; id <= Number(count); id++) {
    const d = await distributions.distribution(id);
    const register = await readRegister(session.provider, { asset, snapshot: d.snapshotId });
    const claims: Claim[] = [];
    for (const wallet of register.rows.flatMap((row) => row.wallets)) {
      const [entitled, paid] = await Promise.all([
        distributions.entitlementOf(id, wallet),
        distributions.isPaid(id, wallet),
      ]);
      if (entitled > 0n) claims.push({ holder: wallet, entitled, paid });
    }
    rows.push({
      id,
      kind: Number(d.kind),
      funded: d.funded,
      paid: d.paid,
      deadline: Number(d.deadline),
      snapshot: Number(d.snapshotId),
      claims,
    });
  }
  const equity = IEquity__factory.createInterface();
  const fund = IFund__factory.createInterface();
  const bond = IBond__factory.createInterface();
  return {
    coinAddress,
    coinDecimals: Number(coinDecimals),
    coinSymbol,
    rows,
    paysDistributions,
    can: {
      declare: productType === ProductType.Equity && (await may(equity, "declareDividend")),
      nav: productType === ProductType.Fund && (await may(fund, "postNav")),
      coupon: productType === ProductType.Bond && (await may(bond, "fundCoupon")),
    },
  };
}

const KINDS: Record<number, string> = { 1: "cash dividend", 2: "coupon" };

export function Lifecycle({ session, asset, productType }: { session: Session; asset: string; productType: number }) {
  const { data, error, reload } = useLoad(
    () => loadLifecycle(session, asset, productType),
    [session, asset, productType],
  );
  const [amount, setAmount] = useState("");
  const [days, setDays] = useState("30");
  const [nav, setNav] = useState("");
  const [period, setPeriod] = useState("1");
  const { busy, outcome, run } = useAction();
  if (productType !== ProductType.Equity && productType !== ProductType.Bond && productType !== ProductType.Fund) {
    return null;
  }
  if (!data) return <Loading error={error} />;
  const me = session.identity.address.toLowerCase();
  const money = (value: bigint) => `${formatAmount(value, data.coinDecimals)} ${data.coinSymbol}`;
  const coin = () => SettlementCoin__factory.connect(data.coinAddress, session.signer);

  const declare = () =>
    run(async (progress) => {
      const value = parseUnits(amount.trim() || "0", data.coinDecimals);
      if (value <= 0n) throw new Error(`amount "${amount}" is not a positive number`);
      if (!/^\d+$/.test(days.trim())) throw new Error(`"${days}" is not a whole number of days`);
      const now = (await session.provider.getBlock("latest"))!.timestamp;
      await send(progress, "Approving the coin to the asset", () => coin().approve(asset, value));
      await send(progress, "Declaring the dividend", () =>
        IEquity__factory.connect(asset, session.signer).declareDividend(0, value, now + Number(days) * 86_400),
      );
      reload();
      return `Declared a dividend of ${money(value)}, claimable for ${days} days.`;
    });

  const claim = (id: number) =>
    run(async (progress) => {
      await send(progress, `Claiming distribution ${id}`, () =>
        IDistributions__factory.connect(asset, session.signer).claim(id),
      );
      reload();
      return `Claimed distribution ${id}.`;
    });

  const postNav = () =>
    run(async (progress) => {
      const value = parseUnits(nav.trim() || "0", data.coinDecimals);
      if (value <= 0n) throw new Error(`NAV "${nav}" is not a positive number`);
      const now = (await session.provider.getBlock("latest"))!.timestamp;
      await send(progress, "Posting the NAV", () => IFund__factory.connect(asset, session.signer).postNav(value, now));
      return `Posted a NAV of ${formatUnits(value, data.coinDecimals)} ${data.coinSymbol} per unit.`;
    });

  const fundCoupon = () =>
    run(async (progress) => {
      if (!/^\d+$/.test(period.trim())) throw new Error(`period "${period}" is not a number`);
      const bond = IBond__factory.connect(asset, session.signer);
      const token = Equity__factory.connect(asset, session.provider);
      const decimals = Number(await token.decimals());
      const perUnit = await bond.couponAmountPerUnit(period.trim());
      const supply = await token.totalSupply();
      // The bond pulls ⌊perUnit × eligible supply / 10^decimals⌋: approve the whole supply's amount (an upper bound).
      const most = (perUnit * supply) / 10n ** BigInt(decimals);
      await send(progress, "Approving the coin to the bond", () => coin().approve(asset, most));
      await send(progress, `Funding coupon ${period}`, () => bond.fundCoupon(period.trim()));
      reload();
      return `Funded coupon ${period}.`;
    });

  return (
    <section className="card" data-testid="lifecycle">
      <h2>Lifecycle</h2>
      {data.can.declare && (
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            void declare();
          }}
        >
          <Field label={`Dividend amount (${data.coinSymbol})`} value={amount} onChange={setAmount} />
          <Field label="Claim period (days)" value={days} onChange={setDays} />
          <button type="submit" disabled={!!busy}>
            Declare dividend
          </button>
        </form>
      )}
      {data.can.nav && (
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            void postNav();
          }}
        >
          <Field label={`NAV per unit (${data.coinSymbol})`} value={nav} onChange={setNav} />
          <button type="submit" disabled={!!busy}>
            Post NAV
          </button>
        </form>
      )}
      {data.can.coupon && (
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            void fundCoupon();
          }}
        >
          <Field label="Coupon period" value={period} onChange={setPeriod} />
          <button type="submit" disabled={!!busy}>
            Fund coupon
          </button>
        </form>
      )}
      <Progress busy={busy} />
      <Notice outcome={outcome} />
      {data.paysDistributions && <h3>Distributions</h3>}
      {data.paysDistributions && data.rows.length === 0 && <p className="muted">No distribution yet.</p>}
      {data.rows.map((row) => (
        <div key={row.id} data-testid={`distribution-${row.id}`}>
          <p>
            Distribution {row.id}: {KINDS[row.kind] ?? `kind ${row.kind}`} of {money(row.funded)} on snapshot{" "}
            {row.snapshot}, {money(row.paid)} paid, claimable until {formatTime(row.deadline)}.
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Holder</th>
                <th scope="col">Entitled</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {row.claims.map((c) => (
                <tr key={c.holder}>
                  <td className="mono">{short(c.holder)}</td>
                  <td className="number">{money(c.entitled)}</td>
                  <td>
                    {c.paid ? (
                      "paid"
                    ) : c.holder.toLowerCase() === me && row.deadline * 1000 > Date.now() ? (
                      <button type="button" disabled={!!busy} onClick={() => void claim(row.id)}>
                        Claim {row.id}
                      </button>
                    ) : (
                      "unclaimed"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
