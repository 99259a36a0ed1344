// Which backend `edgewise run` gives the agent (`--backend process|docker`), checked before
// anything starts: the process backend needs the modules file (`--modules FILE`, read now so a
// mistake in it is reported at once); the docker backend needs an engine (`--docker-host`, else
// DOCKER_HOST, else Docker's socket). Without --modules, the process backend has nothing to run
// the modules with, so `run` runs the hub alone, as it did before the agent existed.
import { InputError } from '../../errors.js';
import type { ModuleBackend } from '../../runtime/agent/agent-types.js';
import { resolveDockerHost } from '../../runtime/agent/docker/docker-host.js';
import { readModulesFile } from '../../runtime/agent/process/modules-file.js';
import { createProcessBackend } from '../../runtime/agent/process/process-backend.js';

export interface BackendOptions {
  backend?: string;
  modules?: string;
  dockerHost?: string;
  fromCloud?: boolean;
}

export interface BackendChoice {
  name: ModuleBackend['name'];
  /** How modules run, for the line that says so: "as processes (modules.yaml)". */
  description: string;
  create(dataFolder: string, log: (line: string) => void): Promise<ModuleBackend>;
}

/** The backend to run modules with, or undefined when the hub runs alone (process backend, no --modules). */
export async function chooseBackend(options: BackendOptions, env: NodeJS.ProcessEnv): Promise<BackendChoice | undefined> {
  const name = options.backend ?? 'process';
  if (name === 'docker') {
    if (options.modules !== undefined) throw new InputError('--modules is for the process backend; with --backend docker each module runs its settings.image, so leave --modules out', 'invalid-option');
    const dockerHost = resolveDockerHost(options.dockerHost, env);
    return {
      name,
      description: `as containers (Docker Engine API at ${dockerHost})`,
      create: async (dataFolder, log) => {
        // Loaded only for docker: dockerode is not needed to run processes.
        const { openDockerBackend } = await import('../../runtime/agent/docker/docker-backend.js');
        return openDockerBackend({ dockerHost, dataFolder, log });
      },
    };
  }
  if (name !== 'process') throw new InputError(`--backend ${name} is not a backend; use process (modules as child processes, with --modules FILE) or docker`, 'invalid-option');
  if (options.dockerHost !== undefined) throw new InputError('--docker-host is for --backend docker; leave it out, or add --backend docker', 'invalid-option');
  if (options.modules === undefined) {
    if (options.fromCloud) throw new InputError("--from-cloud runs the cloud's modules: give --modules FILE to run them as processes, or --backend docker", 'invalid-option');
    return undefined;
  }
  const modulesFile = await readModulesFile(options.modules);
  return {
    name,
    description: `as processes (${modulesFile.file})`,
    create: async (dataFolder, log) => createProcessBackend({ modulesFile, dataFolder, log }),
  };
}
