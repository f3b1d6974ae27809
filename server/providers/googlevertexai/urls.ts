/**
 * Vertex AI's URLs as Elasticsearch builds them (GoogleVertexAiUtils and the models' buildUri): a regional host
 * `<location>-aiplatform.googleapis.com`, or the global `aiplatform.googleapis.com` when no location is set; the
 * Discovery Engine host for ranking. Path segments are percent-encoded as Apache's URIBuilder encodes them.
 */
import type { CallContext } from '../../inference/call-context';

const GLOBAL = 'global';
const GLOBAL_HOST = 'aiplatform.googleapis.com';
const DISCOVERY_ENGINE_HOST = 'discoveryengine.googleapis.com';

/** A path segment: what a segment may hold unencoded (RFC 3986 pchar, `:` and `@` included) is kept. */
const segment = (value: string) => encodeURIComponent(value).replace(/%(3A|40|21|24|26|27|28|29|2A|2B|2C|3B|3D)/gi, (escaped) => decodeURIComponent(escaped));

const isGlobal = (location: string | undefined): location is undefined => location === undefined || location === '';

function vertexHost(location: string | undefined): string {
  return isGlobal(location) ? GLOBAL_HOST : `${location}-aiplatform.googleapis.com`;
}

const path = (...segments: string[]) => segments.map(segment).join('/');

interface VertexSettings {
  project_id?: string;
  location?: string;
  model_id?: string;
}

const settingsOf = (context: CallContext) => context.endpoint.serviceSettings as VertexSettings;

/** `:predict` of a Google publisher model (text embeddings). */
export function predictUrl(context: CallContext): string {
  const { project_id: project, location, model_id: model } = settingsOf(context);
  const where = isGlobal(location) ? GLOBAL : location;
  return `https://${vertexHost(location)}/${path('v1', 'projects', project!, 'locations', where, 'publishers', 'google', 'models', `${model}:predict`)}`;
}

/** Gemini's `:generateContent`, or `:streamGenerateContent?alt=sse`. Elasticsearch's chat model writes the
 * `locations/global` segment whatever the location (only the host is regional): matched here. */
export function generateContentUrl(context: CallContext, stream: boolean, model?: string): string {
  const { project_id: project, location, model_id: stored } = settingsOf(context);
  const method = stream ? 'streamGenerateContent' : 'generateContent';
  const url = `https://${vertexHost(location)}/${path('v1', 'projects', project!, 'locations', GLOBAL, 'publishers', 'google', 'models', `${model ?? stored}:${method}`)}`;
  return stream ? `${url}?alt=sse` : url;
}

/** The Discovery Engine ranking API: always the `global` location of the project. */
export function rankUrl(context: CallContext): string {
  const { project_id: project } = settingsOf(context);
  return `https://${DISCOVERY_ENGINE_HOST}/${path('v1', 'projects', project!, 'locations', GLOBAL, 'rankingConfigs', 'default_ranking_config:rank')}`;
}
