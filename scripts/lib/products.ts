import type { JsonFragment } from "ethers";

/** The deployment name of a product type's implementation (deploy/50_products.ts), e.g. `Bond_Implementation`. */
export function productImplementationName(product: string): string {
  return `${product}_Implementation`;
}

/**
 * Logic contracts a product runs in its own context (by `delegatecall` from its fallback) because the product
 * and its lifecycle do not fit one contract under EIP-170: deploy/50_products.ts deploys them first and passes
 * their addresses to the product's constructor after (compliance, identity registry), and their functions are
 * the product's (its permission table covers them; `productAbi` merges them in).
 */
export const productLogicContracts: Record<string, string[]> = {
  Fund: ["FundLifecycle"],
};

/** The deployment name of a product's logic contract, e.g. `Fund_FundLifecycle`. */
export function productLogicName(product: string, logic: string): string {
  return `${product}_${logic}`;
}

/**
 * A product's complete ABI as assets of it answer: the product contract's and its logic contracts' functions,
 * events and errors (each once, the product's own first; the constructor is the product's).
 */
export async function productAbi(
  artifacts: { readArtifact(name: string): Promise<{ abi: readonly unknown[] }> },
  product: string,
): Promise<JsonFragment[]> {
  const seen = new Set<string>();
  const out: JsonFragment[] = [];
  for (const name of [product, ...(productLogicContracts[product] ?? [])]) {
    for (const entry of (await artifacts.readArtifact(name)).abi as JsonFragment[]) {
      // A logic contract's constructor is its own, not the product's.
      if (name !== product && entry.type === "constructor") continue;
      const key = `${entry.type}:${entry.name ?? ""}(${(entry.inputs ?? []).map((i) => i.type).join(",")})`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(entry);
    }
  }
  return out;
}
