/**
 * Group commit: concurrent submits share one multi-row insert. While one insert is in flight, the submits
 * that arrive wait together; when it returns, all of them go out as the next insert (up to `maxRows` rows
 * per statement). Under load this turns N single-row inserts, each paying a round trip and a WAL flush,
 * into a few statements; alone, a submit goes out at once.
 */
export interface GroupCommitter<I, O> {
  /** Resolves with one result per input, in order, once the statement holding them has committed. */
  submit(inputs: I[]): Promise<O[]>;
}

export interface GroupCommitOptions {
  /** Rows per statement at most (PostgreSQL takes at most 65,535 parameters per statement). Default 500. */
  maxRows?: number;
}

interface Waiting<I, O> {
  inputs: I[];
  resolve: (outputs: O[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Wraps `insertMany` (one atomic statement: all rows or none, one result per input in order). When a
 * combined insert fails, each submit is retried alone, so one bad input fails only its own caller.
 */
export function createGroupCommitter<I, O>(insertMany: (inputs: I[]) => Promise<O[]>, options: GroupCommitOptions = {}): GroupCommitter<I, O> {
  const maxRows = Math.max(1, options.maxRows ?? 500);
  const queue: Waiting<I, O>[] = [];
  let flushing = false;

  const runAlone = async (waiting: Waiting<I, O>) => {
    try {
      waiting.resolve(await insertChecked(waiting.inputs));
    } catch (error) {
      waiting.reject(error);
    }
  };

  const insertChecked = async (inputs: I[]): Promise<O[]> => {
    const outputs = await insertMany(inputs);
    if (outputs.length !== inputs.length) throw new Error(`group commit: ${inputs.length} rows sent, ${outputs.length} results returned`);
    return outputs;
  };

  /** Takes waiting submits up to maxRows rows (always at least one submit, however large). */
  const takeGroup = (): Waiting<I, O>[] => {
    const group: Waiting<I, O>[] = [];
    let rows = 0;
    while (queue.length > 0) {
      const next = queue[0];
      if (!next || (group.length > 0 && rows + next.inputs.length > maxRows)) break;
      group.push(next);
      rows += next.inputs.length;
      queue.shift();
    }
    return group;
  };

  const flush = async () => {
    flushing = true;
    try {
      while (queue.length > 0) {
        const group = takeGroup();
        if (group.length === 1 && group[0]) {
          await runAlone(group[0]);
          continue;
        }
        let outputs: O[];
        try {
          outputs = await insertChecked(group.flatMap((w) => w.inputs));
        } catch {
          // Nothing of the combined statement was stored: find the culprit by storing each submit alone.
          for (const waiting of group) await runAlone(waiting);
          continue;
        }
        let offset = 0;
        for (const waiting of group) {
          waiting.resolve(outputs.slice(offset, offset + waiting.inputs.length));
          offset += waiting.inputs.length;
        }
      }
    } finally {
      flushing = false;
    }
  };

  return {
    submit(inputs: I[]): Promise<O[]> {
      if (inputs.length === 0) return Promise.resolve([]);
      return new Promise<O[]>((resolve, reject) => {
        queue.push({ inputs, resolve, reject });
        // Submits of the same tick join the first statement; later ones join the next.
        if (!flushing) {
          flushing = true;
          queueMicrotask(() => void flush());
        }
      });
    },
  };
}
