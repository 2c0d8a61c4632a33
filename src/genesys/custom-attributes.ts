/** Genesys's `maxCustomDataBytes`: keys plus values of the custom attribute map, as UTF-8. */
export const MAX_CUSTOM_DATA_BYTES = 2048;

/** The size Genesys counts for a custom attribute map: every key plus every value, in UTF-8 bytes. */
export function customDataBytes(attributes: Record<string, string>): number {
  return Object.entries(attributes).reduce(
    (total, [key, value]) => total + Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8'),
    0,
  );
}
