import { describeEventStoreContract } from '../../../testing/src/index.js';
import { EventStoreDbEventStore } from './eventstoredb.event-store.js';

// No EventStoreDB server can run on the CI machines: the suite runs wherever one is given, e.g.
// EVENTSTORE_CONNECTION_STRING=esdb://localhost:2113?tls=false. Stream names are unique per test,
// so a shared server is fine.
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract('EventStoreDB', async () => {
    const store = await EventStoreDbEventStore.connect(connectionString);
    return { store, close: () => store.close() };
  });
} else {
  describe.skip('EventStoreDB adapter: skipped, set EVENTSTORE_CONNECTION_STRING to run the EventStore contract against a server', () => {
    it('runs the EventStore contract', () => undefined);
  });
}
