/** GET /_inference/_services[/{task_type}] (reference §2.8), built from the service schemas in the spec. */
import type { components } from '../../generated/openapi';
import { flattenSchema, type JsonSchema } from '../openapi/document';
import type { ServiceSpec, TaskVariant } from '../openapi/service-catalog';
import { TASK_TYPES } from '../task-type';
import { type TaskType, urlTaskTypeOrUnknown } from './services-task-type';
import { type Handler } from './context';

type ServiceInfo = components['schemas']['ServiceInfo'];
type Field = components['schemas']['ServiceConfigurationField'];

const FIELD_TYPES: Record<string, Field['type']> = {
  string: 'str',
  integer: 'int',
  number: 'int',
  boolean: 'bool',
  array: 'list',
  object: 'map',
};

/** A setting is required when the schema requires it, or when it is the first choice of a required "one of". */
function requiredFields(settings: JsonSchema): Set<string> {
  const required = new Set(settings.required ?? []);
  for (const part of [settings, ...(settings.allOf ?? [])]) {
    const first = part.oneOf?.[0]?.required?.[0];
    if (first) required.add(first);
  }
  return required;
}

function describeField(key: string, schema: JsonSchema, required: boolean, taskTypes: TaskType[]): Field {
  const field = flattenSchema(schema);
  const type = Array.isArray(field.type) ? field.type[0] : field.type;
  const result: Field = {
    label: field.title ?? key,
    required,
    sensitive: field.writeOnly === true,
    updatable: field.writeOnly === true || field['x-infergate-updatable'] === true,
    type: FIELD_TYPES[type ?? 'string'] ?? 'str',
    supported_task_types: taskTypes,
  };
  const listedDefault = field.default ?? field['x-infergate-listed-default'];
  if (listedDefault !== undefined) result.default_value = listedDefault;
  if (field.description) result.description = field.description;
  return result;
}

/** The settings `_services` lists for a variant: its service settings (`rate_limit` by its inner key), and the task
 * settings Elasticsearch lists beside them (`x-infergate-listed`, e.g. `headers`). */
function listedFields(variant: TaskVariant): Array<[string, JsonSchema, boolean]> {
  const settings = variant.serviceSettings;
  const required = requiredFields(settings);
  const fields: Array<[string, JsonSchema, boolean]> = [];
  for (const [key, schema] of Object.entries(settings.properties ?? {})) {
    const nested = flattenSchema(schema).properties;
    if (key === 'rate_limit' && nested) {
      for (const [inner, innerSchema] of Object.entries(nested)) fields.push([`${key}.${inner}`, innerSchema, false]);
    } else fields.push([key, schema, required.has(key)]);
  }
  const requiredTasks = new Set(variant.taskSettings?.required ?? []);
  for (const [key, schema] of Object.entries(variant.taskSettings?.properties ?? {})) {
    if (flattenSchema(schema)['x-infergate-listed'] === true) fields.push([key, schema, requiredTasks.has(key)]);
  }
  return fields;
}

function serviceInfo(service: ServiceSpec): ServiceInfo {
  const configurations: Record<string, Field> = {};
  // In the order of Elasticsearch's TaskType enum, as its EnumSets list them.
  const variants = TASK_TYPES.flatMap((taskType) => service.variants.get(taskType) ?? []);
  for (const variant of variants) {
    for (const [name, fieldSchema, isRequired] of listedFields(variant)) {
      const existing = configurations[name];
      const taskTypes = [...(existing?.supported_task_types ?? []), variant.taskType];
      configurations[name] = { ...describeField(name, fieldSchema, isRequired || !!existing?.required, taskTypes) };
      if (existing?.default_value !== undefined && configurations[name].default_value === undefined) {
        configurations[name].default_value = existing.default_value;
      }
    }
  }
  return { service: service.name, name: service.title, task_types: variants.map((variant) => variant.taskType), configurations };
}

export const getServices: Handler = (request, response, context) => {
  const taskType = urlTaskTypeOrUnknown(request);
  const services = context.catalog
    .all()
    .filter((service) => taskType === undefined || service.variants.has(taskType))
    .map(serviceInfo);
  response.json(services);
};

