import { describe, expect, test } from "bun:test";
import {
  AccountLimitError,
  AlreadyKnownError,
  FeeCapTooLowError,
  GasLimitError,
  InsufficientFundsError,
  IntrinsicGasError,
  InvalidChainIdError,
  NonceTooHighError,
  NonceTooLowError,
  OversizedDataError,
  ReplacementUnderpricedError,
  TipAboveFeeCapError,
  TxPoolError,
  TxPoolFullError,
  UnderpricedError,
  UnprotectedTxError,
  type PoolTx,
} from "../../src/txpool";
import { toChecksumAddress } from "../../src/txpool/checksum-address";
import { addr, GWEI, makePool, MemoryState, tx } from "./helpers";

/** Runs `fn`, expecting a TxPoolError of class `cls` with exactly `message` and code -32000. */
function rejects(fn: () => unknown, cls: new (...args: never[]) => TxPoolError, message: string): TxPoolError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(cls);
  const err = caught as TxPoolError;
  expect(err.message).toBe(message);
  expect(err.code).toBe(-32000);
  expect(err.name).toBe(cls.name);
  expect(message.startsWith(err.reason)).toBe(true);
  return err;
}

describe("admission errors carry geth's messages", () => {
  test("already known", () => {
    const pool = makePool();
    const t = tx();
    pool.add(t);
    rejects(() => pool.add(t), AlreadyKnownError, "already known");
    // Same hash wins even if everything else would now fail.
    rejects(() => pool.add({ ...t, nonce: 99n, chainId: 5n }), AlreadyKnownError, "already known");
  });

  test("nonce too low", () => {
    const state = new MemoryState();
    state.setNonce(addr(1), 5n);
    const pool = makePool(state);
    rejects(() => pool.add(tx({ nonce: 3n })), NonceTooLowError, "nonce too low: next nonce 5, tx nonce 3");
    expect(pool.add(tx({ nonce: 5n })).status).toBe("pending");
  });

  test("nonce too high: gap beyond the configured limit", () => {
    const pool = makePool(undefined, { maxNonceGap: 3n });
    pool.add(tx({ nonce: 0n }));
    rejects(() => pool.add(tx({ nonce: 5n })), NonceTooHighError, "nonce too high: tx nonce 5, gapped nonce 1, max gap 3");
    expect(pool.add(tx({ nonce: 4n })).status).toBe("queued");
  });

  test("insufficient funds: the transaction alone", () => {
    const state = new MemoryState();
    const cost = 21_000n * 100n * GWEI + 5n;
    state.setBalance(addr(1), cost - 1n);
    const pool = makePool(state);
    rejects(
      () => pool.add(tx({ value: 5n })),
      InsufficientFundsError,
      `insufficient funds for gas * price + value: balance ${cost - 1n}, tx cost ${cost}, overshot 1`,
    );
    state.setBalance(addr(1), cost);
    expect(pool.add(tx({ value: 5n })).status).toBe("pending");
  });

  test("insufficient funds: on top of the sender's pending spend", () => {
    const state = new MemoryState();
    const one = 21_000n * 100n * GWEI;
    state.setBalance(addr(1), 2n * one - 1n);
    const pool = makePool(state);
    pool.add(tx({ nonce: 0n }));
    rejects(
      () => pool.add(tx({ nonce: 1n })),
      InsufficientFundsError,
      `insufficient funds for gas * price + value: balance ${2n * one - 1n}, queued cost ${one}, tx cost ${one}, overshot 1`,
    );
  });

  test("insufficient funds: a pending replacement counts only its increase", () => {
    const state = new MemoryState();
    const one = 21_000n * 100n * GWEI;
    state.setBalance(addr(1), 2n * one);
    const pool = makePool(state);
    pool.add(tx({ nonce: 0n }));
    pool.add(tx({ nonce: 1n }));
    const bumped = tx({ nonce: 1n, fee: 110n * GWEI, tip: 2n * GWEI });
    const bump = 21_000n * 10n * GWEI;
    rejects(
      () => pool.add(bumped),
      InsufficientFundsError,
      `insufficient funds for gas * price + value: balance ${2n * one}, queued cost ${2n * one}, tx bumped ${bump}, overshot ${bump}`,
    );
  });

  test("intrinsic gas too low", () => {
    const pool = makePool();
    rejects(() => pool.add(tx({ gasLimit: 20_999n })), IntrinsicGasError, "intrinsic gas too low: gas 20999, minimum needed 21000");
  });

  test("exceeds block gas limit", () => {
    const pool = makePool(undefined, { blockGasLimit: 1_000_000n });
    rejects(() => pool.add(tx({ gasLimit: 1_000_001n })), GasLimitError, "exceeds block gas limit");
    expect(pool.add(tx({ gasLimit: 1_000_000n })).status).toBe("pending");
  });

  test("transaction underpriced: tip below the minimum", () => {
    const pool = makePool(undefined, { minTip: 2n * GWEI });
    rejects(
      () => pool.add(tx({ tip: 2n * GWEI - 1n })),
      UnderpricedError,
      "transaction underpriced: gas tip cap 1999999999, minimum needed 2000000000",
    );
    expect(pool.add(tx({ tip: 2n * GWEI })).status).toBe("pending");
  });

  test("transaction underpriced: fee cap below the minimum", () => {
    const pool = makePool(undefined, { minFeeCap: 50n * GWEI });
    rejects(
      () => pool.add(tx({ fee: 49n * GWEI })),
      UnderpricedError,
      "transaction underpriced: gas fee cap 49000000000, minimum needed 50000000000",
    );
  });

  test("max fee per gas less than block base fee", () => {
    const pool = makePool(undefined, { baseFee: 7n * GWEI });
    const sender = addr(1);
    const err = rejects(
      () => pool.add(tx({ fee: 7n * GWEI - 1n, tip: 1n })),
      FeeCapTooLowError,
      `max fee per gas less than block base fee: address ${toChecksumAddress(sender)}, maxFeePerGas: 6999999999, baseFee: 7000000000`,
    );
    expect(err.message.startsWith("max fee per gas less than block base fee")).toBe(true);
    expect(pool.add(tx({ fee: 7n * GWEI, tip: 1n })).status).toBe("pending");
  });

  test("max priority fee per gas higher than max fee per gas", () => {
    const pool = makePool();
    rejects(
      () => pool.add(tx({ fee: 10n, tip: 11n })),
      TipAboveFeeCapError,
      `max priority fee per gas higher than max fee per gas: address ${toChecksumAddress(addr(1))}, maxPriorityFeePerGas: 11, maxFeePerGas: 10`,
    );
  });

  test("replacement transaction underpriced", () => {
    const pool = makePool();
    pool.add(tx({ nonce: 0n }));
    rejects(() => pool.add(tx({ nonce: 0n })), ReplacementUnderpricedError, "replacement transaction underpriced");
  });

  test("invalid chain id for signer", () => {
    const pool = makePool();
    rejects(() => pool.add(tx({ chainId: 1n })), InvalidChainIdError, "invalid chain id for signer: have 1 want 901");
  });

  test("pre-EIP-155 transactions refused unless allowed", () => {
    const unprotected = (): PoolTx => tx({ chainId: null });
    rejects(
      () => makePool().add(unprotected()),
      UnprotectedTxError,
      "only replay-protected (EIP-155) transactions allowed over RPC",
    );
    expect(makePool(undefined, { allowUnprotected: true }).add(unprotected()).status).toBe("pending");
  });

  test("oversized data above 128 KiB", () => {
    const pool = makePool();
    rejects(() => pool.add(tx({ size: 131_073 })), OversizedDataError, "oversized data: transaction size 131073, limit 131072");
    expect(pool.add(tx({ size: 131_072 })).status).toBe("pending");
  });

  test("txpool is full", () => {
    const pool = makePool(undefined, { maxTxs: 2 });
    pool.add(tx({ from: 1, tip: 5n }));
    pool.add(tx({ from: 2, tip: 5n }));
    rejects(() => pool.add(tx({ from: 3, tip: 5n })), TxPoolFullError, "txpool is full");
  });

  test("account limit exceeded", () => {
    const pool = makePool(undefined, { maxTxsPerSender: 2 });
    pool.add(tx({ nonce: 0n }));
    pool.add(tx({ nonce: 5n }));
    rejects(() => pool.add(tx({ nonce: 1n })), AccountLimitError, "account limit exceeded: pooled 2 txs");
  });

  test("a rejected transaction leaves the pool untouched", () => {
    const pool = makePool(undefined, { maxTxs: 1 });
    pool.add(tx({ from: 1 }));
    expect(() => pool.add(tx({ from: 2 }))).toThrow(TxPoolFullError);
    expect(pool.pending()).toBe(1);
    pool.checkInvariants();
  });
});

describe("EIP-55 addresses in messages", () => {
  test("matches the EIP-55 test vectors", () => {
    for (const a of [
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
      "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
      "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ]) {
      expect(toChecksumAddress(Buffer.from(a.slice(2), "hex"))).toBe(a);
    }
  });
});
