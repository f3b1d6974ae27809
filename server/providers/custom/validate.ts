/**
 * What PUT checks of a custom endpoint before anything is sent (Elasticsearch's CustomService.validateConfiguration,
 * and the paths infergate parses up front): every template is filled in with stand-in values, every response path
 * parses, and no task parameter shadows a secret parameter.
 */
import { validationException } from '../../http/errors';
import { parsePath, PathError } from './json-path';
import { buildRequest, inputTypeValue, type CustomSettings, type Parameters } from './request';
import { UnknownPlaceholderError } from './template';

export interface JsonParser {
  text_embeddings?: string;
  embedding_type?: string;
  token_path?: string;
  weight_path?: string;
  relevance_score?: string;
  reranked_index?: string;
  document_text?: string;
  completion_result?: string;
}

const PATH_KEYS = ['text_embeddings', 'token_path', 'weight_path', 'relevance_score', 'reranked_index', 'document_text', 'completion_result'] as const;

/** A task parameter named as a secret parameter would replace the secret in templates: refused, at PUT and POST. */
export function checkParameterKeys(parameters: Parameters, secrets: Parameters): void {
  const shared = Object.keys(parameters).filter((key) => Object.hasOwn(secrets, key));
  if (shared.length > 0) {
    throw validationException([
      `[task_settings.parameters] keys [${shared.join(', ')}] are also keys of [service_settings.secret_parameters]; a parameter must not replace a secret parameter`,
    ]);
  }
}

/** The stand-in values of each task's own placeholders (Elasticsearch's: `test input`, `test query`). */
function standIns(taskType: string, settings: CustomSettings): Record<string, unknown> {
  switch (taskType) {
    case 'rerank':
      // Elasticsearch leaves top_n and return_documents out here, which would refuse every template using them.
      return { input: ['test input'], query: 'test query', top_n: 1, return_documents: true };
    case 'completion':
      return { input: 'test input' };
    default:
      return { input: ['test input'], input_type: inputTypeValue(settings, undefined) };
  }
}

export function checkEndpoint(taskType: string, settings: CustomSettings & { response: { json_parser: JsonParser } }, secrets: Parameters, parameters: Parameters): void {
  const parser = settings.response.json_parser;
  const errors: string[] = [];
  for (const key of PATH_KEYS) {
    const path = parser[key];
    if (path === undefined) continue;
    try {
      parsePath(path);
    } catch (error) {
      if (!(error instanceof PathError)) throw error;
      errors.push(`[service_settings.response.json_parser.${key}] ${error.message}`);
    }
  }
  try {
    buildRequest(settings, secrets, parameters, standIns(taskType, settings));
  } catch (error) {
    if (!(error instanceof UnknownPlaceholderError)) throw error;
    errors.push(`Failed to validate model configuration: ${error.message}`);
  }
  if (errors.length > 0) throw validationException(errors);
}
