// The methods this server answers, by JSON-RPC name.
import type { MethodHandler } from "./method-context";
import { ethGetBalance, ethGetCode, ethGetStorageAt, ethGetTransactionCount } from "./methods/account-state";
import {
  ethGetBlockByHash,
  ethGetBlockByNumber,
  ethGetBlockTransactionCountByHash,
  ethGetBlockTransactionCountByNumber,
} from "./methods/blocks";
import { ethCall, ethEstimateGas } from "./methods/execution";
import { ethFeeHistory, ethGasPrice, ethMaxPriorityFeePerGas } from "./methods/fees";
import { ethGetLogs } from "./methods/logs";
import { ethAccounts, ethBlockNumber, ethChainId, ethSyncing, netListening, netVersion, web3ClientVersion } from "./methods/node-info";
import { ethSendRawTransaction, ethSendRawTransactionSync } from "./methods/send-transaction";
import { ethSubscribe, ethUnsubscribe } from "./methods/subscriptions";
import { ethGetTransactionByHash, ethGetTransactionReceipt } from "./methods/transactions";

/** Every supported method. A Map, so names like "__proto__" or "constructor" never resolve. */
export const METHOD_TABLE: ReadonlyMap<string, MethodHandler> = new Map<string, MethodHandler>([
  ["web3_clientVersion", web3ClientVersion],
  ["net_version", netVersion],
  ["net_listening", netListening],
  ["eth_chainId", ethChainId],
  ["eth_blockNumber", ethBlockNumber],
  ["eth_syncing", ethSyncing],
  ["eth_accounts", ethAccounts],
  ["eth_getBalance", ethGetBalance],
  ["eth_getTransactionCount", ethGetTransactionCount],
  ["eth_getCode", ethGetCode],
  ["eth_getStorageAt", ethGetStorageAt],
  ["eth_call", ethCall],
  ["eth_estimateGas", ethEstimateGas],
  ["eth_gasPrice", ethGasPrice],
  ["eth_maxPriorityFeePerGas", ethMaxPriorityFeePerGas],
  ["eth_feeHistory", ethFeeHistory],
  ["eth_sendRawTransaction", ethSendRawTransaction],
  ["eth_sendRawTransactionSync", ethSendRawTransactionSync],
  ["eth_getTransactionByHash", ethGetTransactionByHash],
  ["eth_getTransactionReceipt", ethGetTransactionReceipt],
  ["eth_getBlockByNumber", ethGetBlockByNumber],
  ["eth_getBlockByHash", ethGetBlockByHash],
  ["eth_getBlockTransactionCountByNumber", ethGetBlockTransactionCountByNumber],
  ["eth_getBlockTransactionCountByHash", ethGetBlockTransactionCountByHash],
  ["eth_getLogs", ethGetLogs],
  ["eth_subscribe", ethSubscribe],
  ["eth_unsubscribe", ethUnsubscribe],
]);
