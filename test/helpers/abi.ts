import { ethers, type FunctionFragment, type ParamType } from "ethers";

/** A well-formed placeholder for an ABI parameter: zero, empty, or a tuple of placeholders. */
export function placeholder(param: ParamType): unknown {
  if (param.isTuple()) return param.components.map(placeholder);
  if (param.isArray())
    return param.arrayLength > 0 ? Array(param.arrayLength).fill(placeholder(param.arrayChildren)) : [];
  if (param.type === "address") return ethers.ZeroAddress;
  if (param.type === "bool") return false;
  if (param.type === "string") return "";
  if (param.type === "bytes") return "0x";
  if (param.type.startsWith("bytes")) return ethers.zeroPadBytes("0x", Number(param.type.slice(5)));
  return 0n;
}

/** Call data for `fragment` with placeholder arguments. */
export function placeholderCall(iface: ethers.Interface, fragment: FunctionFragment): string {
  return iface.encodeFunctionData(fragment, fragment.inputs.map(placeholder));
}

/** The state-changing functions of an ABI, by canonical signature (views and pure functions left out). */
export function stateChangingFunctions(iface: ethers.Interface): FunctionFragment[] {
  const out: FunctionFragment[] = [];
  iface.forEachFunction((fragment) => {
    if (fragment.stateMutability !== "view" && fragment.stateMutability !== "pure") out.push(fragment);
  });
  return out;
}
