// Module inputs belong to the modules of this edge device only: the hub's input queues are named
// by module id, so a module of the same name on another device must not receive them, and the
// server has no "any device" mode left to fall into (review finding: edgeDeviceId optional).
import { expect, it } from 'vitest';
import { ModuleInputs, type ModuleInputsOptions } from '../../../../src/runtime/hub/downstream/module-inputs.js';
import { newCounters } from '../../../../src/runtime/hub/hub-types.js';
import { EDGE_DEVICE_ID } from './downstream-harness.js';

const store: ModuleInputsOptions['store'] = { endpoints: () => [], priorities: () => [], read: () => [], acknowledge: async () => undefined };

it('delivers inputs to modules of this edge device only', () => {
  const inputs = new ModuleInputs({ store, counters: newCounters(), log: () => undefined, edgeDeviceId: EDGE_DEVICE_ID });
  expect(inputs.receives({ deviceId: EDGE_DEVICE_ID, moduleId: 'filter' })).toBe(true);
  expect(inputs.receives({ deviceId: 'other-edge', moduleId: 'filter' })).toBe(false);
  expect(inputs.receives({ deviceId: EDGE_DEVICE_ID })).toBe(false);
});

it('has no any-device mode when the edge device is missing', () => {
  // What a JavaScript caller (no type check) could still pass.
  const inputs = new ModuleInputs({ store, counters: newCounters(), log: () => undefined } as unknown as ModuleInputsOptions);
  expect(inputs.receives({ deviceId: 'other-edge', moduleId: 'filter' })).toBe(false);
});
