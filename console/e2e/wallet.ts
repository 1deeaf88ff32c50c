/**
 * A minimal injected EIP-1193 wallet for the browser suite: every request goes to the node, which holds the dev
 * accounts unlocked; `eth_requestAccounts`/`eth_accounts` answer `account`. A wallet fills the fees itself: on the
 * dev chain (gas price 0) anvil's default priority fee exceeds its max fee, so a transaction sent through the mock
 * names a zero gas price, as a wallet would read it from the chain. `onMethod` hears every method asked.
 */
import type { BrowserContext } from "playwright-core";

export async function injectWallet(
  context: BrowserContext,
  node: string,
  account: string,
  onMethod?: (method: string) => void,
): Promise<void> {
  if (onMethod) await context.exposeFunction("recordWalletMethod", onMethod);
  await context.addInitScript(
    ([rpc, address, recording]) => {
      let id = 0;
      const host = window as unknown as { ethereum: unknown; recordWalletMethod?(method: string): void };
      host.ethereum = {
        request: async ({ method, params }: { method: string; params?: unknown[] }) => {
          if (recording) host.recordWalletMethod?.(method);
          if (method === "eth_requestAccounts" || method === "eth_accounts") return [address];
          if (method === "eth_sendTransaction") params = [{ gasPrice: "0x0", ...(params?.[0] as object) }];
          const response = await fetch(rpc, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
          });
          const body = await response.json();
          if (body.error) throw Object.assign(new Error(body.error.message), body.error);
          return body.result;
        },
      };
    },
    [node, account, onMethod !== undefined] as const,
  );
}
