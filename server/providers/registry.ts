/** The running provider of each service listed in providers/index.ts; checks that every service the spec
 * defines has one. */
import type { ServiceCatalog } from '../openapi/service-catalog';
import { PROVIDERS } from './index';
import type { InferenceProvider, ProviderDependencies, ProviderFactory } from './types';

export class ProviderRegistry {
  private readonly providers = new Map<string, InferenceProvider>();

  constructor(catalog: ServiceCatalog, dependencies: ProviderDependencies, factories: Readonly<Record<string, ProviderFactory>> = PROVIDERS) {
    for (const [name, create] of Object.entries(factories)) this.providers.set(name, create(dependencies));
    for (const service of catalog.all()) {
      const name = service.aliasOf ?? service.name;
      if (!this.providers.has(name)) throw new Error(`the spec defines service [${name}] but server/providers/index.ts lists no provider for it`);
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
