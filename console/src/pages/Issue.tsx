import type { Session } from "../chain";

export function IssuePage({ session }: { session: Session }) {
  return <p className="muted">Not yet ({session.network.network}).</p>;
}
