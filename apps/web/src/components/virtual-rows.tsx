import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A list that renders only the rows in view (10,000 runs scroll as smoothly as 10), with a fixed
 * row height so rows arriving live never shift the ones on screen. `onEndReached` asks for the
 * next cursor page as the end comes into view.
 */
export function VirtualRows<T>({
  items,
  rowHeight,
  height = '65vh',
  label,
  header,
  row,
  keyOf,
  onEndReached,
  totalCount,
}: {
  items: readonly T[];
  rowHeight: number;
  height?: string;
  label: string;
  header: ReactNode;
  row: (item: T, index: number) => ReactNode;
  keyOf: (item: T) => string;
  onEndReached?: () => void;
  totalCount?: number;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 12 });
  const rows = virtualizer.getVirtualItems();
  const last = rows.at(-1)?.index ?? -1;
  useEffect(() => {
    if (onEndReached && items.length > 0 && last >= items.length - 20) onEndReached();
  }, [last, items.length]);
  return (
    <div role="table" aria-label={label} aria-rowcount={(totalCount ?? items.length) + 1} className="vtable">
      <div role="rowgroup" className="vhead">
        {header}
      </div>
      <div ref={scroller} className="vscroll" style={{ height }} role="rowgroup" tabIndex={0} aria-label={`${label}, scrollable`}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {rows.map((virtual) => {
            const item = items[virtual.index]!;
            return (
              <div
                key={keyOf(item)}
                role="row"
                aria-rowindex={virtual.index + 2}
                className="vrow"
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: rowHeight, transform: `translateY(${virtual.start}px)` }}
              >
                {row(item, virtual.index)}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
