/** Every enum of the platform in one place (each also lives in its own module). */
export { ProductType } from "./assets";
export { Claim } from "./claims";
export { MemberKind, MemberStatus } from "./members";
export { Restriction } from "./restrictions";
export { DayCount } from "./products/bond";
export { FundRequestKind, FundRequestStatus } from "./products/fund";
