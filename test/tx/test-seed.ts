// Fresh random keys and values each run; set TX_TEST_SEED to replay a failure.
const fromEnv = process.env.TX_TEST_SEED;

/** This run's seed for test/tx fixtures (printed so a failure can be replayed). */
export const TEST_SEED: bigint = fromEnv ? BigInt(fromEnv) : BigInt(Math.floor(Math.random() * 2 ** 48));

if (!fromEnv) console.log(`test/tx: TX_TEST_SEED=${TEST_SEED}`);
