/** `IMemberRegistry.MemberKind`: what a member is to the alliance. */
export enum MemberKind {
  None = 0,
  Exchange = 1,
  Issuer = 2,
  Custodian = 3,
  PaymentGateway = 4,
  KycProvider = 5,
  Auditor = 6,
  Regulator = 7,
  Merchant = 8,
}

/** The name of a member kind a member can have (not `None`). */
export type MemberKindName = Exclude<keyof typeof MemberKind, "None">;

/** `IMemberRegistry.MemberStatus`: where a member stands. */
export enum MemberStatus {
  None = 0,
  Active = 1,
  Suspended = 2,
  Removed = 3,
}

/** Whether `name` names a member kind a member can have. */
export function isMemberKindName(name: string): name is MemberKindName {
  return name !== "None" && typeof MemberKind[name as keyof typeof MemberKind] === "number";
}
