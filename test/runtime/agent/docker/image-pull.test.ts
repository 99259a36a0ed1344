import { describe, expect, it } from 'vitest';
import { pullReference } from '../../../../src/runtime/agent/docker/image-pull.js';

describe('pullReference', () => {
  it.each([
    ['busybox', 'busybox:latest'],
    ['localhost:5000/filter', 'localhost:5000/filter:latest'],
    ['myacr.azurecr.io/filter:1.2', 'myacr.azurecr.io/filter:1.2'],
    ['mcr.microsoft.com/azureiotedge-hub@sha256:' + 'a'.repeat(64), 'mcr.microsoft.com/azureiotedge-hub@sha256:' + 'a'.repeat(64)],
  ])('pulls %s as %s (no tag means :latest, as docker pull reads it)', (image, expected) => {
    expect(pullReference(image)).toBe(expected);
  });
});
