export { ParallelExecutor, type ParallelExecutorOptions } from "./parallel-executor";
export { SerialExecutor } from "./serial-executor";
export {
  type BatchExecutor,
  type BatchState,
  type BatchStats,
  type ThreadParts,
  type TxnIndex,
  type Incarnation,
  type Version,
  BASE_TXN,
} from "./types";
