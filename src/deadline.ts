/**
 * Waiting with a deadline, as close() and linger need it.
 *
 * @module
 */

/**
 * Waits for `promise`, but not past `deadline` (ms since the epoch; Infinity for no limit).
 *
 * @example
 * ```ts ignore
 * await within(drained, Date.now() + linger);
 * ```
 */
export async function within(promise: Promise<unknown>, deadline: number): Promise<void> {
  if (deadline === Infinity) {
    await promise;
    return;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([promise, new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
  clearTimeout(timer);
}
