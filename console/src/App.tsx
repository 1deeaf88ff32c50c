/** The console's shell: configuration, sign-in, the header saying who the wallet is, navigation by role, pages. */
import { useEffect, useState } from "react";
import { abilities, loadConfig, signInDev, signInInjected, type Config, type Session } from "./chain";
import { short } from "./format";
import { countryName } from "@assetledger/sdk";
import { Notice, Progress, Select, useAction, useRoute } from "./ui";
import { AssetsPage } from "./pages/Assets";
import { AssetPage } from "./pages/Asset";
import { IssuePage } from "./pages/Issue";
import { InvestorsPage } from "./pages/Investors";
import { TransfersPage } from "./pages/Transfers";
import { RegulatorPage } from "./pages/Regulator";
import { CoinPage } from "./pages/Coin";
import { SettlementPage } from "./pages/Settlement";

export function App() {
  const [config, setConfig] = useState<Config | undefined>();
  const [session, setSession] = useState<Session | undefined>();
  useEffect(() => {
    void loadConfig().then(setConfig);
  }, []);
  if (!config) return <p className="muted">Loading the address book…</p>;
  if (!session) return <SignIn config={config} onSession={setSession} />;
  return <Shell session={session} onSignOut={() => setSession(undefined)} />;
}

function SignIn({ config, onSession }: { config: Config; onSession: (session: Session) => void }) {
  const accounts = config.dev?.accounts ?? [];
  const [account, setAccount] = useState(accounts[0]?.address ?? "");
  const { busy, outcome, run } = useAction();
  return (
    <main className="signin">
      <h1>AssetLedger console</h1>
      <p>Sign in with a wallet to see what it may do on the alliance&apos;s chain.</p>
      <section className="card">
        <h2>Browser wallet</h2>
        <p className="muted">Any EIP-1193 wallet the browser injects (window.ethereum).</p>
        <button
          type="button"
          disabled={!!busy}
          onClick={() => run(async () => onSession(await signInInjected(config)))}
        >
          Connect browser wallet
        </button>
      </section>
      {accounts.length > 0 && (
        <section className="card">
          <h2>Dev key</h2>
          <p className="muted">
            The dev chain&apos;s accounts (derived from anvil&apos;s public test mnemonic when it started).
          </p>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              const chosen = accounts.find((a) => a.address === account);
              if (chosen) void run(async () => onSession(await signInDev(config, chosen)));
            }}
          >
            <Select
              label="Account"
              name="dev-account"
              value={account}
              onChange={setAccount}
              options={accounts.map((a) => ({ value: a.address, label: `${a.name} (${short(a.address)})` }))}
            />
            <button type="submit" disabled={!!busy}>
              Sign in
            </button>
          </form>
        </section>
      )}
      <Progress busy={busy} />
      <Notice outcome={outcome} />
    </main>
  );
}

/** Who the wallet is, in one line. */
function whoIs(session: Session): string {
  const { member, investor, address } = session.identity;
  if (member) return `${member.name} — ${member.kind}, ${member.status}`;
  if (investor) {
    return `Investor ${investor.id.slice(0, 10)}… from ${countryName(investor.country)} (${
      investor.verified ? "verified" : "not verified"
    })`;
  }
  return `Unknown wallet ${short(address)} (neither a member nor a registered investor)`;
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const can = abilities(session.identity);
  const nav: { path: string; label: string; shown: boolean }[] = [
    { path: "assets", label: "Assets", shown: true },
    { path: "issue", label: "Issue an asset", shown: can.issue },
    { path: "investors", label: "Investors", shown: can.kyc },
    { path: "transfers", label: "Transfers", shown: true },
    { path: "regulator", label: "Supervision", shown: can.supervise },
    { path: "coin", label: "Coin", shown: true },
    { path: "settlement", label: "Settlement", shown: !!session.identity.member || !!session.identity.investor },
  ];
  const page = route[0] ?? "assets";
  const allowed = nav.find((item) => item.path === page)?.shown ?? false;
  return (
    <div className="shell">
      <header className="header">
        <span className="brand">AssetLedger</span>
        <div className="who" data-testid="who">
          <strong>{whoIs(session)}</strong>
          <span className="muted">
            {short(session.identity.address)} · {session.network.network} ({session.network.chainId}) ·{" "}
            {session.via === "dev" ? "dev key" : "browser wallet"}
          </span>
          {session.identity.roles.length > 0 && (
            <span className="roles" data-testid="roles">
              Roles: {session.identity.roles.join(", ")}
            </span>
          )}
        </div>
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav aria-label="Main">
        <ul>
          {nav
            .filter((item) => item.shown)
            .map((item) => (
              <li key={item.path}>
                <a href={`#/${item.path}`} aria-current={page === item.path ? "page" : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
        </ul>
      </nav>
      <main className="page">
        {!allowed ? (
          <Notice outcome={{ kind: "error", text: "This wallet's roles do not allow this page." }} />
        ) : page === "assets" && route[1] ? (
          <AssetPage session={session} asset={route[1]} />
        ) : page === "assets" ? (
          <AssetsPage session={session} />
        ) : page === "issue" ? (
          <IssuePage session={session} />
        ) : page === "investors" ? (
          <InvestorsPage session={session} />
        ) : page === "transfers" ? (
          <TransfersPage session={session} />
        ) : page === "settlement" ? (
          <SettlementPage session={session} />
        ) : page === "regulator" ? (
          <RegulatorPage session={session} />
        ) : (
          <CoinPage session={session} />
        )}
      </main>
    </div>
  );
}
