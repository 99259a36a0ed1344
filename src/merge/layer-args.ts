// Pairs layered deployment files with their priorities, as given on the command line
// (`edgewise merge BASE L1 L2 --priority 10 --priority 20`: the n-th --priority is the n-th layer's).
import { InputError } from '../errors.js';

export interface LayerRef {
  path: string;
  priority: number;
}

/** IoT Hub deployment priorities are non-negative integers (az iot edge deployment create --priority). */
export function parsePriority(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InputError(`priority "${text}" is not a whole number; use e.g. --priority 10`);
  return Number(text);
}

export function pairLayers(paths: readonly string[], priorities: readonly (string | number)[]): LayerRef[] {
  if (paths.length !== priorities.length) {
    throw new InputError(`${paths.length} layered deployment${paths.length === 1 ? '' : 's'} but ${priorities.length} --priority value${priorities.length === 1 ? '' : 's'}; give one --priority per layer, in the same order`);
  }
  return paths.map((path, index) => {
    const priority = priorities[index]!;
    return { path, priority: typeof priority === 'number' ? priority : parsePriority(priority) };
  });
}
