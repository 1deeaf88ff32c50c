/** The deployment name of a product type's implementation (deploy/50_products.ts), e.g. `Bond_Implementation`. */
export function productImplementationName(product: string): string {
  return `${product}_Implementation`;
}
