// Downsampling for the sensor charts: min/max per bucket keeps every spike visible while drawing
// at most ~2 points per pixel column, whatever the number of readings in the window.

/**
 * Reduces (xs, ys) to at most `2 * buckets` points: for each of `buckets` equal-width x ranges,
 * the minimum and the maximum point in x order. Input must be sorted by x. Inputs with no more
 * than `2 * buckets` points are returned as copies, unchanged.
 */
export function minMaxDownsample(xs: ArrayLike<number>, ys: ArrayLike<number>, buckets: number): [number[], number[]] {
  const length = Math.min(xs.length, ys.length);
  if (length <= buckets * 2 || buckets < 1) return [Array.from({ length }, (_, i) => xs[i] ?? 0), Array.from({ length }, (_, i) => ys[i] ?? 0)];
  const first = xs[0] ?? 0;
  const last = xs[length - 1] ?? 0;
  const span = last - first || 1;
  const outX: number[] = [];
  const outY: number[] = [];
  let index = 0;
  for (let bucket = 0; bucket < buckets && index < length; bucket += 1) {
    const limit = bucket === buckets - 1 ? Infinity : first + (span * (bucket + 1)) / buckets;
    let minIndex = -1;
    let maxIndex = -1;
    for (; index < length && (xs[index] ?? 0) < limit; index += 1) {
      const y = ys[index] ?? 0;
      if (minIndex < 0 || y < (ys[minIndex] ?? 0)) minIndex = index;
      if (maxIndex < 0 || y > (ys[maxIndex] ?? 0)) maxIndex = index;
    }
    if (minIndex < 0) continue;
    const [a, b] = minIndex <= maxIndex ? [minIndex, maxIndex] : [maxIndex, minIndex];
    outX.push(xs[a] ?? 0);
    outY.push(ys[a] ?? 0);
    if (b !== a) {
      outX.push(xs[b] ?? 0);
      outY.push(ys[b] ?? 0);
    }
  }
  return [outX, outY];
}
