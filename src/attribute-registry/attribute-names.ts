import type { AttributeDefinition } from './attribute-definition';

/** Edit distance (insert, delete, substitute, swap neighbours), for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const distance: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (__, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  for (let row = 1; row < rows; row += 1) {
    for (let column = 1; column < columns; column += 1) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      distance[row][column] = Math.min(
        distance[row - 1][column] + 1,
        distance[row][column - 1] + 1,
        distance[row - 1][column - 1] + cost,
      );
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
        distance[row][column] = Math.min(distance[row][column], distance[row - 2][column - 2] + 1);
      }
    }
  }
  return distance[a.length][b.length];
}

/** Suggestions come within this many edits; the distance is at least the difference in length. */
const MAX_SUGGESTION_EDITS = 2;

/**
 * The registered name a caller most likely meant: the one equal but for case, else the closest
 * within two edits (ignoring case). Undefined when nothing is close. Names whose lengths differ by
 * more than two are never compared: the edit matrix of a 64 KB name took half a second.
 */
export function suggestAttributeName(given: string, definitions: readonly AttributeDefinition[]): string | undefined {
  const folded = given.toLowerCase();
  const sameButCase = definitions.find((definition) => definition.name.toLowerCase() === folded);
  if (sameButCase) return sameButCase.name;
  let best: { name: string; distance: number } | undefined;
  for (const definition of definitions) {
    if (Math.abs(definition.name.length - folded.length) > MAX_SUGGESTION_EDITS) continue;
    const distance = editDistance(folded, definition.name.toLowerCase());
    if (distance <= MAX_SUGGESTION_EDITS && (!best || distance < best.distance))
      best = { name: definition.name, distance };
  }
  return best?.name;
}
