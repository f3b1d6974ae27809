/**
 * The services, their task types and their settings, read from the spec's `CreateEndpointRequest` union:
 * one branch per service, each an `anyOf` of per-task-type variants whose `task_type` const names the task type.
 */
import { flattenSchema, type JsonSchema, type OpenApiDocument } from './document';
import type { TaskType } from '../task-type';

export interface TaskVariant {
  taskType: TaskType;
  /** The whole create body for this (service, task type). */
  schema: JsonSchema;
  serviceSettings: JsonSchema;
  taskSettings?: JsonSchema;
  /** `service_settings` keys that are secrets (writeOnly): stored apart, never returned. */
  secretFields: string[];
  /** `service_settings` keys that `_update` may change. */
  updatableFields: string[];
  supportsChunking: boolean;
  /** `service_settings` keys that are user-supplied upstream URLs (`x-infergate-upstream-url`): their hosts are
   * bounded by INFERGATE_ALLOWED_UPSTREAM_HOSTS. */
  upstreamUrlFields: string[];
}

export interface ServiceSpec {
  name: string;
  title: string;
  /** For an alias (`elser`): the service endpoints are stored under. */
  aliasOf?: string;
  deprecation?: string;
  variants: Map<TaskType, TaskVariant>;
}

function constOf(schema: JsonSchema | undefined): string | undefined {
  return typeof schema?.const === 'string' ? schema.const : undefined;
}

function buildVariant(schema: JsonSchema): TaskVariant {
  const properties = schema.properties ?? {};
  // Flattened: a service's settings may extend another schema of its own through `allOf`.
  const serviceSettings = flattenSchema(properties.service_settings ?? { type: 'object' });
  const settingProperties = serviceSettings.properties ?? {};
  const fields = Object.entries(settingProperties).map(([key, value]) => [key, flattenSchema(value)] as const);
  return {
    taskType: constOf(properties.task_type) as TaskType,
    schema,
    serviceSettings,
    taskSettings: properties.task_settings && flattenSchema(properties.task_settings),
    secretFields: fields.filter(([, field]) => field.writeOnly === true).map(([key]) => key),
    updatableFields: fields
      .filter(([, field]) => field.writeOnly === true || field['x-infergate-updatable'] === true)
      .map(([key]) => key),
    supportsChunking: 'chunking_settings' in properties,
    upstreamUrlFields: fields.filter(([, field]) => field['x-infergate-upstream-url'] === true).map(([key]) => key),
  };
}

function buildService(schema: JsonSchema): ServiceSpec {
  const variantSchemas = schema.anyOf ?? schema.oneOf ?? [schema];
  const variants = new Map<TaskType, TaskVariant>();
  let name: string | undefined;
  for (const variantSchema of variantSchemas) {
    const variant = buildVariant(variantSchema);
    variants.set(variant.taskType, variant);
    name ??= constOf(variantSchema.properties?.service);
  }
  if (!name) throw new Error(`service schema "${schema.title}" has no service const`);
  return {
    name,
    title: schema.title ?? name,
    aliasOf: schema['x-infergate-alias-of'] as string | undefined,
    deprecation: schema['x-infergate-deprecation'] as string | undefined,
    variants,
  };
}

export class ServiceCatalog {
  private readonly services = new Map<string, ServiceSpec>();

  constructor(document: OpenApiDocument) {
    const union = document.components.schemas.CreateEndpointRequest;
    for (const branch of union.oneOf ?? []) {
      const service = buildService(branch);
      this.services.set(service.name, service);
    }
  }

  get(name: string): ServiceSpec | undefined {
    return this.services.get(name);
  }

  all(): ServiceSpec[] {
    return [...this.services.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
