// Layered deployments address part of a twin's desired properties with one flattened key:
// "properties.desired.modules.filter" is desired.modules.filter, and "properties.desired" is the
// whole of it (MS Learn, how-to-deploy-cli-at-scale, "Layered deployment"). Twin keys cannot
// contain "." (IoT Hub key rules, FACTS §1), so splitting on "." is exact.

export const DESIRED_KEY = 'properties.desired';

/** The desired-properties path a twin key stands for ([] for "properties.desired"), or undefined. */
export function desiredPathOfKey(key: string): string[] | undefined {
  if (key === DESIRED_KEY) return [];
  if (!key.startsWith(`${DESIRED_KEY}.`) || key.length === DESIRED_KEY.length + 1) return undefined;
  return key.slice(DESIRED_KEY.length + 1).split('.');
}

export function keyOfDesiredPath(path: readonly string[]): string {
  return [DESIRED_KEY, ...path].join('.');
}

export function isPathPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}
