import { MongoClient } from 'mongodb';
import { describeDocumentStoreContract } from '../../../testing/src/index.js';
import { MongoDocumentStore } from './mongodb.document-store.js';

/** A replica set (change streams need one), e.g. `mongodb://127.0.0.1:27017/?replicaSet=rs0`. */
const uri = process.env.MONGODB_URI;
const run = `${process.pid}_${Date.now().toString(36)}`;
let opened = 0;

if (uri) {
  // A database of its own per opened store, dropped when it closes.
  describeDocumentStoreContract('mongodb', async () => {
    const dbName = `cosmos_contract_${run}_${++opened}`;
    const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 }).connect();
    const store = new MongoDocumentStore(client, dbName);
    return {
      store,
      close: async () => {
        await store.close();
        await client.db(dbName).dropDatabase();
        await client.close();
      },
    };
  });

  describe('MongoDocumentStore.connect', () => {
    it('connects a client of its own', async () => {
      const store = await MongoDocumentStore.connect(uri, `cosmos_contract_${run}_connect`);
      try {
        await expect(store.ping()).resolves.toBeUndefined();
      } finally {
        await store.close();
      }
    });
  });
} else {
  describe.skip('DocumentStore contract: mongodb (skipped: set MONGODB_URI to a replica set to run it)', () => {
    it('runs the contract against MongoDB', () => undefined);
  });
}
