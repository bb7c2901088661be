// Identity and status methods that read nothing but the node's configuration.
import type { MethodContext } from "../method-context";
import { toQuantity } from "../format/quantity";
import { ParamList } from "../params/param-list";

/** web3_clientVersion: the node's name and version. */
export function web3ClientVersion(params: readonly unknown[], ctx: MethodContext): string {
  new ParamList(params, 0);
  return ctx.api.clientVersion();
}

/** net_version: the chain id as a decimal string (a legacy of the network id). */
export function netVersion(params: readonly unknown[], ctx: MethodContext): string {
  new ParamList(params, 0);
  return ctx.api.chainId().toString(10);
}

/** net_listening: always true; a node that answers is listening. */
export function netListening(params: readonly unknown[]): boolean {
  new ParamList(params, 0);
  return true;
}

/** eth_chainId: the EIP-155 chain id. */
export function ethChainId(params: readonly unknown[], ctx: MethodContext): string {
  new ParamList(params, 0);
  return toQuantity(ctx.api.chainId());
}

/** eth_blockNumber: the number of the newest sealed block. */
export function ethBlockNumber(params: readonly unknown[], ctx: MethodContext): string {
  new ParamList(params, 0);
  return toQuantity(ctx.api.blockNumber());
}

/** eth_syncing: always false; the sequencer produces the chain rather than syncing it. */
export function ethSyncing(params: readonly unknown[]): false {
  new ParamList(params, 0);
  return false;
}

/** eth_accounts: always empty; the node holds no keys. */
export function ethAccounts(params: readonly unknown[]): string[] {
  new ParamList(params, 0);
  return [];
}
