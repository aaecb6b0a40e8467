export { type EntityAt, EventHistory, type Trace } from './event-history.js';
export { checkFilter, type HistoryFilter } from './event-query.js';
export type { HistoryEvent } from './history-event.js';
export { type EntityKind, pointInHistory, type PointInHistory } from './time-travel.js';
export { importEvents } from './transfer/event-transfer.js';
export { type EventLine, readNdjson, writeNdjson } from './transfer/ndjson.js';
export { copyEvents, type TransferProgress } from './transfer/event-transfer.js';
export type { WrittenSoFar } from './transfer/ndjson.js';
export { type OpenedStore, openStoreAt } from './transfer/store-address.js';
