// ContainerCreate bodies as IoT Edge builds them (facts in src/runtime/agent/docker/container-config.ts).
import { describe, expect, it } from 'vitest';
import { ModuleBackendError, type ModuleLaunch, type ModuleSpec } from '../../../../src/runtime/agent/agent-types.js';
import { containerCreateRequest, DATA_FOLDER_LABEL, MODULE_LABEL, ORIGINAL_IMAGE_LABEL, OWNER_LABEL, OWNER_VALUE } from '../../../../src/runtime/agent/docker/container-config.js';

function launchOf(spec: Partial<ModuleSpec>, env: Record<string, string> = {}): ModuleLaunch {
  return {
    spec: { name: 'filter', status: 'running', restartPolicy: 'always', startupOrder: 1, image: 'localhost/busybox:edgewise', imagePullPolicy: 'never', createOptions: {}, env: {}, ...spec },
    env: { IOTEDGE_WORKLOADURI: 'unix:///var/run/iotedge/workload.sock', IOTEDGE_MODULEID: 'filter', ...env },
    workloadSocket: '/data/workload/filter.sock',
    logFile: '/data/logs/filter.log',
  };
}

describe('containerCreateRequest', () => {
  it('names the container after the module and uses settings.image over createOptions Image', () => {
    const request = containerCreateRequest(launchOf({ createOptions: { image: 'other:1', Cmd: ['sh'] } }), '/data');
    expect(request.name).toBe('filter');
    expect(request.body.Image).toBe('localhost/busybox:edgewise');
    expect(request.body).not.toHaveProperty('image');
    expect(request.body.Cmd).toEqual(['sh']);
  });

  it('merges env as edgelet does: createOptions Env wins on a clash, sorted by name', () => {
    const request = containerCreateRequest(launchOf({ createOptions: { Env: ['B=from-options', 'FLAG', 'A=x=y'] } }, { B: 'from-manifest', C: '3' }), '/data');
    expect(request.body.Env).toEqual(['A=x=y', 'B=from-options', 'C=3', 'FLAG=', 'IOTEDGE_MODULEID=filter', 'IOTEDGE_WORKLOADURI=unix:///var/run/iotedge/workload.sock']);
  });

  it("keeps the module's labels and adds IoT Edge's and the agent's own", () => {
    const request = containerCreateRequest(launchOf({ createOptions: { labels: { team: 'plant-3', [OWNER_LABEL]: 'someone' } } }), '/data');
    expect(request.body.Labels).toEqual({ team: 'plant-3', [OWNER_LABEL]: OWNER_VALUE, [ORIGINAL_IMAGE_LABEL]: 'localhost/busybox:edgewise', [DATA_FOLDER_LABEL]: '/data', [MODULE_LABEL]: 'filter' });
  });

  it('bind-mounts the workload socket where IOTEDGE_WORKLOADURI points, after the Binds of the manifest', () => {
    const request = containerCreateRequest(launchOf({ createOptions: { hostconfig: { binds: ['/srv/x:/mnt/x:ro'], PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } } }), '/data');
    const hostConfig = request.body.HostConfig as Record<string, unknown>;
    expect(hostConfig.Binds).toEqual(['/srv/x:/mnt/x:ro', '/data/workload/filter.sock:/var/run/iotedge/workload.sock']);
    expect(hostConfig.PortBindings).toEqual({ '80/tcp': [{ HostPort: '8080' }] });
    expect(request.body).not.toHaveProperty('hostconfig');
  });

  it('mounts no socket when the workload URI is not a unix socket', () => {
    const request = containerCreateRequest(launchOf({}, { IOTEDGE_WORKLOADURI: 'http://127.0.0.1:15581' }), '/data');
    expect((request.body.HostConfig as Record<string, unknown>).Binds).toBeUndefined();
  });

  it("drops CAP_CHOWN and CAP_SETUID unless CapAdd asks for them, as edgeAgent does", () => {
    const plain = containerCreateRequest(launchOf({}), '/data');
    expect((plain.body.HostConfig as Record<string, unknown>).CapDrop).toEqual(['CAP_CHOWN', 'CAP_SETUID']);
    const asked = containerCreateRequest(launchOf({ createOptions: { HostConfig: { CapAdd: ['chown'], CapDrop: ['NET_RAW', 'CAP_SETUID'] } } }), '/data');
    expect((asked.body.HostConfig as Record<string, unknown>).CapDrop).toEqual(['NET_RAW', 'CAP_SETUID']);
  });

  it('leaves restarts to the agent: a RestartPolicy in createOptions is dropped with a note', () => {
    const request = containerCreateRequest(launchOf({ createOptions: { HostConfig: { RestartPolicy: { Name: 'always' } } } }), '/data');
    expect(request.body.HostConfig).not.toHaveProperty('RestartPolicy');
    expect(request.notes).toEqual([expect.stringContaining('HostConfig.RestartPolicy is not passed to the engine')]);
  });

  it("drops createOptions keys the API client reads as its own (name, platform, authconfig…), so they cannot rename the container", () => {
    const request = containerCreateRequest(launchOf({ createOptions: { name: 'other', platform: 'linux/arm64', authconfig: { username: 'x' }, abortSignal: 1, _query: { name: 'other' }, _body: {}, Cmd: ['sh'] } }), '/data');
    for (const key of ['name', 'platform', 'authconfig', 'abortSignal', '_query', '_body']) expect(request.body).not.toHaveProperty(key);
    expect(request.body.Cmd).toEqual(['sh']);
    expect(request.notes).toHaveLength(6);
    expect(request.notes[0]).toMatch(/createOptions key `name` is an option of the API client/);
  });

  it('does not change the spec it was given', () => {
    const createOptions = { HostConfig: { Binds: ['/a:/b'] }, Env: ['X=1'] };
    containerCreateRequest(launchOf({ createOptions }), '/data');
    expect(createOptions).toEqual({ HostConfig: { Binds: ['/a:/b'] }, Env: ['X=1'] });
  });

  it.each([
    ['a module name Docker refuses', { name: 'my module' }, /cannot be a container name/],
    ['Env that is not a list of strings', { createOptions: { Env: { A: '1' } } }, /Env must be a list of "NAME=value" strings/],
    ['Labels that are not strings', { createOptions: { Labels: { a: 1 } } }, /Labels must map names to strings/],
    ['Binds that is not a list', { createOptions: { HostConfig: { Binds: '/a:/b' } } }, /HostConfig.Binds must be a list/],
  ])('refuses %s with a one-line ModuleBackendError', (_case, spec, message) => {
    const build = () => containerCreateRequest(launchOf(spec as Partial<ModuleSpec>), '/data');
    expect(build).toThrow(ModuleBackendError);
    expect(build).toThrow(message);
  });
});
