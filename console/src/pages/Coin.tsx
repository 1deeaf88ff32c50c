import type { Session } from "../chain";

export function CoinPage({ session }: { session: Session }) {
  return <p className="muted">Not yet ({session.network.network}).</p>;
}
