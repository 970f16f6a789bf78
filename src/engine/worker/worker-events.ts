/** What a worker reports while it works (for progress bars and logs). */
export type WorkerEvent =
  | { type: 'job'; job: string; result: unknown }
  | { type: 'job-error'; job: string; message: string }
  | { type: 'claimed'; kind: string; requestIds: number[] }
  | {
      type: 'item';
      requestIds: number[];
      itemKey: string;
      /** 1-based position of the item in the request(s), and how many items there are. */
      index: number;
      total: number;
      status: Record<string, number>;
    }
  | { type: 'finished'; requestId: number; kind: string; status: string; error: string | null }
  | { type: 'error'; message: string };

export interface WorkerContext {
  workerId: string;
  emit(event: WorkerEvent): void;
}
