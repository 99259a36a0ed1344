import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { DEFAULT_DOCKER_HOST, parseDockerHost, resolveDockerHost } from '../../../../src/runtime/agent/docker/docker-host.js';

describe('docker host', () => {
  it('takes the flag, then DOCKER_HOST, then the Docker socket', () => {
    expect(resolveDockerHost('unix:///a.sock', { DOCKER_HOST: 'unix:///b.sock' })).toBe('unix:///a.sock');
    expect(resolveDockerHost(undefined, { DOCKER_HOST: 'unix:///b.sock' })).toBe('unix:///b.sock');
    expect(resolveDockerHost(undefined, { DOCKER_HOST: ' ' })).toBe(DEFAULT_DOCKER_HOST);
    expect(resolveDockerHost(undefined, {})).toBe('unix:///var/run/docker.sock');
  });

  it('reads unix sockets and tcp addresses', () => {
    expect(parseDockerHost('unix:///run/podman/podman.sock')).toEqual({ kind: 'unix', socketPath: '/run/podman/podman.sock' });
    expect(parseDockerHost('tcp://127.0.0.1:2375')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 2375 });
    expect(parseDockerHost('tcp://[::1]:2375/')).toEqual({ kind: 'tcp', host: '::1', port: 2375 });
  });

  it.each(['ssh://user@host', 'unix://relative.sock', 'tcp://host', 'tcp://host:70000', '/var/run/docker.sock'])('refuses %s saying what to write', (host) => {
    expect(() => parseDockerHost(host)).toThrow(InputError);
    expect(() => parseDockerHost(host)).toThrow(/unix:\/\/\/|tcp:\/\//);
  });
});
