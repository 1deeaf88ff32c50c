import type { Session } from "../chain";

export function RegulatorPage({ session }: { session: Session }) {
  return <p className="muted">Not yet ({session.network.network}).</p>;
}
