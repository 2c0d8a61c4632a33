/**
 * The session's `maxCustomDataBytes`: keys plus values of the custom attribute map, as UTF-8
 * (docs/genesys-platform.md).
 */
export const MAX_CUSTOM_DATA_BYTES = 2048;

/** The size the platform counts for a custom attribute map: every key plus every value, in UTF-8 bytes. */
export function customDataBytes(attributes: Readonly<Record<string, string>>): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(attributes))
    bytes += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
  return bytes;
}
