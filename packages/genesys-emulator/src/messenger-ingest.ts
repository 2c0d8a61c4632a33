import { MAX_CUSTOM_DATA_BYTES, customDataBytes } from './custom-data';

/** Why a `customAttributes` map would be refused, or null when Messenger would send it. */
export function customAttributesProblem(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'customAttributes must be an object of string values';
  }
  const notStrings = Object.entries(value).filter(([, entry]) => typeof entry !== 'string');
  if (notStrings.length > 0) {
    return `customAttributes values must be strings; not a string: ${notStrings.map(([key]) => key).join(', ')}`;
  }
  const bytes = customDataBytes(value as Record<string, string>);
  if (bytes > MAX_CUSTOM_DATA_BYTES) {
    return `customAttributes is ${bytes} bytes (keys plus values, UTF-8); the limit is ${MAX_CUSTOM_DATA_BYTES}`;
  }
  return null;
}
