// Operators stage: hopping window assignment - windows [k * advance, k * advance + size), every
// window containing the time, in ascending start order.

/** Starts of the hopping windows containing `t` (start <= t < start + size), ascending. */
export function assignHopping(t: number, sizeMs: number, advanceMs: number): number[] {
  const starts: number[] = [];
  const last = Math.floor(t / advanceMs) * advanceMs;
  for (let s = last; s > t - sizeMs; s -= advanceMs) starts.push(s);
  return starts.reverse();
}
