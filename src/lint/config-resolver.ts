// Decides which config applies to each linted file and loads each config file once.
import { dirname } from 'node:path';
import { DEFAULT_CONFIG, type EdgewiseConfig } from '../config/edgewise-config.js';
import { findConfigFile } from '../config/find-config.js';
import { loadConfig } from '../config/load-config.js';
import { STDIN_NAME } from '../manifest/read-inputs.js';

export class ConfigResolver {
  private readonly loaded = new Map<string, Promise<EdgewiseConfig>>();

  constructor(
    private readonly knownRules: ReadonlySet<string>,
    /** --config: one file for every input. */
    private readonly explicitFile?: string,
  ) {}

  configFor(file: string): Promise<EdgewiseConfig> {
    const configFile = this.explicitFile ?? findConfigFile(file === STDIN_NAME ? process.cwd() : dirname(file));
    if (!configFile) return Promise.resolve(DEFAULT_CONFIG);
    let config = this.loaded.get(configFile);
    if (!config) {
      config = loadConfig(configFile, this.knownRules);
      this.loaded.set(configFile, config);
    }
    return config;
  }

  /** Every config file used so far, for reporting unused suppressions. */
  async allLoaded(): Promise<EdgewiseConfig[]> {
    return Promise.all(this.loaded.values());
  }
}
