/** An endpoint's settings typed by the spec's generated types: a provider names the schema of its variant's
 * settings and reads them as such, instead of casting field by field. */
import type { components, Writable } from '../../../generated/openapi';
import type { CallContext } from '../../inference/call-context';

type Schemas = components['schemas'];

/** The service settings, secrets included, of the settings schema named `Name`. */
export type ServiceSettings<Name extends keyof Schemas> = Writable<Schemas[Name]>;

/** The endpoint's service settings with its secrets, as the settings schema `Name` describes them. */
export function serviceSettings<Name extends keyof Schemas>(context: CallContext): ServiceSettings<Name> {
  const { serviceSettings: visible, secrets } = context.endpoint;
  return (Object.keys(secrets).length === 0 ? visible : { ...visible, ...secrets }) as ServiceSettings<Name>;
}

/** The call's task settings (stored, with the request's merged over them), as the schema `Name` describes them. */
export function taskSettings<Name extends keyof Schemas>(context: CallContext): Writable<Schemas[Name]> {
  return context.taskSettings as Writable<Schemas[Name]>;
}
