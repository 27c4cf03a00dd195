// moto 5.2.5's EventBridge matcher does not descend into arrays of objects, while EventBridge's
// does (aws/event-ruler, "JSON Array Matching"); CloudTrail logs TagUser's tags as such an array.
// Events are handed to moto crushed the way EventBridge reads them. Used by the infrastructure's
// pattern test and the demo.

/**
 * An array of objects becomes one object whose fields hold every element's values, as EventBridge
 * matches it. (EventBridge also keeps two fields of one pattern within the same element; the
 * credential pattern names a single field inside the array, so nothing here depends on that.)
 */
export function crushArrays(value: unknown): unknown {
  if (Array.isArray(value)) {
    const objects = value.filter((item) => item !== null && typeof item === 'object' && !Array.isArray(item));
    if (value.length === 0 || objects.length !== value.length) return value.map(crushArrays);
    const merged: Record<string, unknown[]> = {};
    for (const item of objects as Record<string, unknown>[]) {
      for (const [key, inner] of Object.entries(item)) {
        const crushed = crushArrays(inner);
        const values = merged[key] ?? [];
        values.push(...(Array.isArray(crushed) ? crushed : [crushed]));
        merged[key] = values;
      }
    }
    return merged;
  }
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, crushArrays(inner)]));
}
