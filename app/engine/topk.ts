/** The k best (highest score) of `scores`, skipping `skip`, best first. Ties go to the lower index. */
export function topK(scores: ArrayLike<number>, k: number, skip: (index: number) => boolean = () => false): number[] {
  const chosen: number[] = [];
  for (let index = 0; index < scores.length; index++) {
    const score = scores[index];
    if (!(score > 0) || skip(index)) continue;
    if (chosen.length === k && score <= scores[chosen[k - 1]]) continue;
    let position = chosen.length === k ? k - 1 : chosen.length;
    while (position > 0 && scores[chosen[position - 1]] < score) {
      chosen[position] = chosen[position - 1];
      position--;
    }
    chosen[position] = index;
  }
  return chosen;
}
