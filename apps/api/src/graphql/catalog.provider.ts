import type { Provider } from '@nestjs/common';
import { DocumentCatalogQueries, type CatalogQueries } from '../../../../libs/read-models/src/catalog/catalog.queries.js';
import { DOCUMENT_STORE, type DocumentStore } from '../../../../libs/read-models/src/document-store.port.js';

export const CATALOG_QUERIES = Symbol('CATALOG_QUERIES');

export const catalogProvider: Provider<CatalogQueries> = {
  provide: CATALOG_QUERIES,
  inject: [DOCUMENT_STORE],
  useFactory: (documents: DocumentStore) => new DocumentCatalogQueries(documents),
};
