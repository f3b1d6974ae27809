/** Elasticsearch's cluster privileges, as far as infergate's actions go: which privilege grants which action
 * (patterns of ClusterPrivilegeResolver), in the least-to-most privileged order its denial messages list them. */
import { globMatches } from '../http/glob';

interface ClusterPrivilege {
  name: string;
  patterns: string[];
  excluded?: string[];
  /** manage_own_api_key: only for the caller's own keys. */
  ownApiKeysOnly?: boolean;
}

const SECURITY = 'cluster:admin/xpack/security/*';
const API_KEYS = 'cluster:admin/xpack/security/api_key/*';
const INFERENCE_MONITOR = ['cluster:monitor/xpack/inference*', 'cluster:monitor/xpack/ml/trained_models/deployment/infer'];

/** Ordered as Elasticsearch sorts them (by how many other privileges each implies, then by name). */
const GRANTING: ClusterPrivilege[] = [
  { name: 'manage_own_api_key', patterns: [API_KEYS], ownApiKeysOnly: true },
  { name: 'monitor_inference', patterns: INFERENCE_MONITOR },
  { name: 'monitor_ml', patterns: ['cluster:monitor/xpack/ml/*'] },
  { name: 'read_security', patterns: ['cluster:admin/xpack/security/api_key/get'] },
  { name: 'manage_api_key', patterns: [API_KEYS] },
  {
    name: 'manage_inference',
    patterns: [
      'cluster:admin/xpack/inference/*',
      ...INFERENCE_MONITOR,
      'cluster:admin/xpack/ml/trained_models/deployment/start',
      'cluster:admin/xpack/ml/trained_models/deployment/stop',
    ],
  },
  { name: 'manage_ml', patterns: ['cluster:admin/xpack/ml/*', 'cluster:monitor/xpack/ml/*'] },
  { name: 'monitor', patterns: ['cluster:monitor/*'] },
  { name: 'manage_security', patterns: [SECURITY] },
  { name: 'manage', patterns: ['cluster:*'], excluded: [SECURITY] },
  { name: 'all', patterns: ['cluster:*'] },
];

/** Every predefined cluster privilege name of Elasticsearch 9.x: those not above grant none of infergate's actions. */
export const CLUSTER_PRIVILEGE_NAMES = [
  'all', 'cancel_task', 'create_snapshot', 'cross_cluster_replication', 'cross_cluster_search', 'delegate_pki',
  'grant_api_key', 'manage', 'manage_api_key', 'manage_autoscaling', 'manage_behavioral_analytics', 'manage_ccr',
  'manage_connector', 'manage_data_frame_transforms', 'manage_data_stream_global_retention', 'manage_enrich',
  'manage_esql', 'manage_ilm', 'manage_index_templates', 'manage_inference', 'manage_ingest_pipelines',
  'manage_logstash_pipelines', 'manage_ml', 'manage_oidc', 'manage_own_api_key', 'manage_pipeline', 'manage_rollup',
  'manage_saml', 'manage_search_application', 'manage_search_query_rules', 'manage_search_synonyms', 'manage_security',
  'manage_service_account', 'manage_slm', 'manage_token', 'manage_transform', 'manage_user_profile', 'manage_watcher',
  'monitor', 'monitor_connector', 'monitor_data_frame_transforms', 'monitor_data_stream_global_retention',
  'monitor_enrich', 'monitor_esql', 'monitor_inference', 'monitor_ml', 'monitor_rollup', 'monitor_snapshot',
  'monitor_stats', 'monitor_text_structure', 'monitor_transform', 'monitor_watcher', 'none',
  'post_behavioral_analytics_event', 'read_ccr', 'read_connector_secrets', 'read_fleet_secrets', 'read_ilm',
  'read_pipeline', 'read_security', 'read_slm', 'transport_client', 'write_connector_secrets', 'write_fleet_secrets',
] as const;

const KNOWN_NAMES = new Set<string>(CLUSTER_PRIVILEGE_NAMES);
const BY_NAME = new Map(GRANTING.map((privilege) => [privilege.name, privilege]));

/** A cluster action given as a privilege (`cluster:monitor/xpack/inference/get`) is the pattern `<action>*`. */
const isClusterAction = (name: string) => name.startsWith('cluster:') || name.startsWith('indices:admin/template/') || name.startsWith('indices:admin/index_template/');

/** Elasticsearch's message for a name that is neither a predefined privilege nor a cluster action pattern. */
export function unknownClusterPrivilege(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (KNOWN_NAMES.has(lower) || isClusterAction(lower)) return undefined;
  return `unknown cluster privilege [${lower}]. a privilege must be either one of the predefined cluster privilege names [${CLUSTER_PRIVILEGE_NAMES.join(',')}] or a pattern over one of the available cluster actions`;
}

/** What the request is, where that matters to a privilege (manage_own_api_key). */
export interface ActionRequest {
  ownApiKeys?: boolean;
}

function grants(privilege: ClusterPrivilege, action: string, request: ActionRequest): boolean {
  if (privilege.ownApiKeysOnly && action !== 'cluster:admin/xpack/security/api_key/create' && !request.ownApiKeys) return false;
  if (privilege.excluded?.some((pattern) => globMatches(pattern, action))) return false;
  return privilege.patterns.some((pattern) => globMatches(pattern, action));
}

/** Whether one privilege name (predefined or an action pattern) grants the action. */
export function privilegeGrants(name: string, action: string, request: ActionRequest = {}): boolean {
  const lower = name.toLowerCase();
  if (isClusterAction(lower)) return globMatches(`${lower}*`, action);
  const privilege = BY_NAME.get(lower);
  return privilege !== undefined && grants(privilege, action, request);
}

/** The predefined privileges that would grant the action, least privileged first (for the 403 message). */
export function privilegesThatGrant(action: string, request: ActionRequest = {}): string[] {
  return GRANTING.filter((privilege) => grants(privilege, action, request)).map((privilege) => privilege.name);
}
