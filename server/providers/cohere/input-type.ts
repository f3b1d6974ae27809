/** Cohere's names of Elasticsearch's input types (CohereUtils.inputTypeToString). */
const COHERE_INPUT_TYPES: Readonly<Record<string, string>> = {
  ingest: 'search_document',
  internal_ingest: 'search_document',
  search: 'search_query',
  internal_search: 'search_query',
  classification: 'classification',
  clustering: 'clustering',
};

/** The input types a request may give a Cohere text_embedding endpoint (besides `unspecified`). */
export const COHERE_REQUEST_INPUT_TYPES = Object.keys(COHERE_INPUT_TYPES);

/** Cohere's name of an Elasticsearch input type (Cohere on Amazon Bedrock takes the same). */
export const cohereInputTypeName = (inputType: string | undefined): string | undefined => (inputType === undefined ? undefined : COHERE_INPUT_TYPES[inputType]);

const specified = (inputType: string | undefined) => (inputType && inputType !== 'unspecified' ? inputType : undefined);

/**
 * The `input_type` sent: the request's, else the task setting's. V2 requires one and takes `search` when neither
 * gives one; V1 then sends none.
 */
export function cohereInputType(requested: string | undefined, stored: string | undefined, version: 'V1' | 'V2'): string | undefined {
  const inputType = specified(requested?.toLowerCase()) ?? specified(stored) ?? (version === 'V2' ? 'search' : undefined);
  return cohereInputTypeName(inputType);
}
