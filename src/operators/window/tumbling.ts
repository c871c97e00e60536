// Operators stage: tumbling window assignment - [start, start + size) with start a multiple of size.

/** The start of the one tumbling window containing `t`: floor(t / size) * size (end exclusive). */
export function assignTumbling(t: number, sizeMs: number): number[] {
  return [Math.floor(t / sizeMs) * sizeMs];
}
