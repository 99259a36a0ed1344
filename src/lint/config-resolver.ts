// Decides which config applies to each linted file and loads each config file once.
import { dirname } from 'node:path';
import { DEFAULT_CONFIG, type EdgewiseConfig } from '../config/edgewise-config.js';
import { findConfigFile } from '../config/find-config.js';
import { loadConfig } from '../config/load-config.js';
import { STDIN_NAME } from '../manifest/read-inputs.js';

export class ConfigResolver {
  private readonly loaded = new Map<string, Promise<EdgewiseConfig>>();
  /** Folder -> config file found for it (files in one folder share it; saves the upward search). */
  private readonly found = new Map<string, string | undefined>();

  constructor(
    private readonly knownRules: ReadonlySet<string>,
    /** --config: one file for every input. */
    private readonly explicitFile?: string,
  ) {}

  configFor(file: string): Promise<EdgewiseConfig> {
    const configFile = this.explicitFile ?? this.lookUp(file === STDIN_NAME ? process.cwd() : dirname(file));
    if (!configFile) return Promise.resolve(DEFAULT_CONFIG);
    let config = this.loaded.get(configFile);
    if (!config) {
      config = loadConfig(configFile, this.knownRules);
      this.loaded.set(configFile, config);
    }
    return config;
  }

  private lookUp(folder: string): string | undefined {
    if (!this.found.has(folder)) this.found.set(folder, findConfigFile(folder));
    return this.found.get(folder);
  }
}
