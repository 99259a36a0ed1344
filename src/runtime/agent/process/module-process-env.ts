// The environment a module process starts with. Not the agent's own: that holds what the module
// must not see (EDGEWISE_CONNECTION_STRING carries the edge device's key, and a developer's shell
// holds tokens of its own), and a container started by IoT Edge does not inherit its host's
// environment either. So a module gets only what makes a program runnable on this machine (PATH
// to find its interpreter, HOME, locale, time zone, temp folder), then the modules file's env,
// then the launch env (the deployment's env and IOTEDGE_*). The deployment wins over the modules
// file as a container's Env wins over its image's ENV, and IOTEDGE_* cannot be overridden by
// mistake.

/** Taken from the agent's environment when set; nothing else is. */
export const INHERITED_VARIABLES = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SystemRoot', 'TEMP', 'TMP'] as const;

export function moduleProcessEnv(host: NodeJS.ProcessEnv, fromModulesFile: Record<string, string>, fromLaunch: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_VARIABLES) {
    const value = host[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...fromModulesFile, ...fromLaunch };
}
