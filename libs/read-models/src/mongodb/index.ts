export { MongoDocumentStore } from './mongodb.document-store.js';
