// The known command closest to what was typed, for "did you mean": each id is compared with as
// many typed words as it has, and the one with the smallest edit distance wins, if that is small
// for the id's length.

export function closestCommand(typedWords: readonly string[], ids: readonly string[]): string | undefined {
  let best: {id: string; distance: number} | undefined
  for (const id of ids) {
    const distance = editDistance(typedWords.slice(0, id.split(' ').length).join(' '), id)
    if (distance <= Math.max(2, Math.floor(id.length / 3)) && (best === undefined || distance < best.distance)) best = {id, distance}
  }
  return best?.id
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]
}
