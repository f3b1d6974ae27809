/** The Elasticsearch version whose inference API infergate implements (reported by `GET /`). */
export const ELASTICSEARCH_VERSION = '9.5.0';
export const LUCENE_VERSION = '10.3.1';
