/** Finds the provider adapters: every folder under providers/ (but shared/) whose index exports `createProvider`.
 * Adding a service adds a folder here and a spec file; no list of services is kept in code. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ServiceCatalog } from '../spec/service-catalog';
import type { InferenceProvider, ProviderDependencies, ProviderFactory } from './types';

export class ProviderRegistry {
  private readonly providers = new Map<string, InferenceProvider>();

  constructor(catalog: ServiceCatalog, dependencies: ProviderDependencies) {
    for (const folder of readdirSync(__dirname, { withFileTypes: true })) {
      if (!folder.isDirectory() || folder.name === 'shared') continue;
      const entry = ['index.ts', 'index.js'].map((file) => path.join(__dirname, folder.name, file)).find(existsSync);
      if (!entry) continue;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(entry) as { createProvider?: ProviderFactory };
      if (typeof module.createProvider !== 'function') throw new Error(`${entry} does not export createProvider`);
      this.providers.set(folder.name, module.createProvider(dependencies));
    }
    for (const service of catalog.all()) {
      const name = service.aliasOf ?? service.name;
      if (!this.providers.has(name)) throw new Error(`the spec defines service [${name}] but providers/${name}/ is missing`);
    }
  }

  all(): InferenceProvider[] {
    return [...this.providers.values()];
  }

  /** The providers and the service names they serve. */
  entries(): [string, InferenceProvider][] {
    return [...this.providers.entries()];
  }

  get(service: string): InferenceProvider {
    const provider = this.providers.get(service);
    if (!provider) throw new Error(`no provider for service [${service}]`);
    return provider;
  }
}
