import { Link } from './ui';
import { formatTime } from '../lib/format';
import type { EventFieldsFragment } from '../graphql/generated';

/** Events as a table: time, type, stream and revision, actor, and the payload on demand. */
export function EventList({ events, label }: { events: readonly EventFieldsFragment[]; label: string }) {
  return (
    <table className="table events" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Occurred</th>
          <th scope="col">Type</th>
          <th scope="col">Stream</th>
          <th scope="col">Actor</th>
          <th scope="col">Data</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.id}>
            <td>{formatTime(event.occurredAt)}</td>
            <td>
              <Link to={`/history/${event.id}`} label={`Trace of ${event.type} ${event.id}`}>
                {event.type}
              </Link>
            </td>
            <td className="ellipsis">
              {event.stream}@{event.revision}
            </td>
            <td className="ellipsis" title={event.metadata.actor}>
              {event.metadata.actor}
            </td>
            <td>
              <details>
                <summary>payload</summary>
                <pre className="json">{JSON.stringify(event.data, null, 2)}</pre>
              </details>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
