/** GET / and HEAD /: Elasticsearch's root document. */
import { hostname } from 'node:os';
import { ELASTICSEARCH_VERSION, LUCENE_VERSION } from '../version';
import type { Handler } from './context';

export const getInfo: Handler = (_request, response, context) => {
  response.json({
    name: hostname(),
    cluster_name: 'infergate',
    cluster_uuid: context.clusterUuid,
    version: {
      number: ELASTICSEARCH_VERSION,
      build_flavor: 'default',
      build_type: 'infergate',
      build_snapshot: false,
      lucene_version: LUCENE_VERSION,
      minimum_wire_compatibility_version: '8.19.0',
      minimum_index_compatibility_version: '8.0.0',
    },
    tagline: 'You Know, for Search',
  });
};

export const ping: Handler = (_request, response) => {
  response.status(200).end();
};
