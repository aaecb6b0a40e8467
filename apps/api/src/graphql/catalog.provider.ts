import type { Provider } from '@nestjs/common';
import { type CatalogQueries, DOCUMENT_STORE, DocumentCatalogQueries, type DocumentStore } from '../../../../libs/read-models/src/index.js';

export const CATALOG_QUERIES = Symbol('CATALOG_QUERIES');

export const catalogProvider: Provider<CatalogQueries> = {
  provide: CATALOG_QUERIES,
  inject: [DOCUMENT_STORE],
  useFactory: (documents: DocumentStore) => new DocumentCatalogQueries(documents),
};
