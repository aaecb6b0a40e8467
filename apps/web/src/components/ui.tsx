import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { highlightSegments } from '../lib/format';
import { navigate } from '../lib/router';

/** An in-app link: a real <a href> (open in a new tab works) that navigates without a reload. */
export function Link({ to, children, className, label }: { to: string; children: ReactNode; className?: string; label?: string }) {
  return (
    <a
      href={to}
      className={className}
      aria-label={label}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

const STATUS_TONE: Record<string, string> = {
  completed: 'ok',
  succeeded: 'ok',
  failed: 'bad',
  cancelled: 'muted',
  merged: 'muted',
  pending: 'wait',
  queued: 'wait',
  claimed: 'busy',
  uploading: 'busy',
  running: 'busy',
  downloading: 'busy',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${STATUS_TONE[status] ?? 'muted'}`}>{status}</span>;
}

/** Five stars as a radio group: arrow keys move, the chosen star is the rating; "clear" unrates. */
export function StarRating({ value, onRate, label, disabled }: { value: number | null; onRate?: (rating: number | null) => void; label: string; disabled?: boolean }) {
  if (!onRate) {
    return (
      <span className="stars" role="img" aria-label={value ? `${label}: ${value} of 5 stars` : `${label}: not rated`}>
        {[1, 2, 3, 4, 5].map((star) => (
          <span key={star} aria-hidden="true" className={value !== null && star <= value ? 'star on' : 'star'}>★</span>
        ))}
      </span>
    );
  }
  return (
    <span className="stars" role="radiogroup" aria-label={label}>
      {[1, 2, 3, 4, 5].map((star) => (
        <button
          key={star}
          type="button"
          role="radio"
          aria-checked={value === star}
          aria-label={`${star} star${star > 1 ? 's' : ''}`}
          className={value !== null && star <= value ? 'star on' : 'star'}
          disabled={disabled}
          onClick={() => onRate(value === star ? null : star)}
        >
          ★
        </button>
      ))}
    </span>
  );
}

export function Highlighted({ text, ranges }: { text: string; ranges: readonly { start: number; end: number }[] }) {
  return (
    <>
      {highlightSegments(text, ranges).map((segment, index) => (segment.match ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>))}
    </>
  );
}

/** A video that shows its first frame as the poster and plays (muted) while the pointer is on it. */
export function HoverVideo({ src, label, width = 240 }: { src: string; label: string; width?: number }) {
  const video = useRef<HTMLVideoElement>(null);
  return (
    <video
      ref={video}
      className="preview"
      src={`${src}#t=0.05`}
      width={width}
      height={Math.round((width * 9) / 16)}
      muted
      loop
      playsInline
      preload="metadata"
      aria-label={label}
      onMouseEnter={() => void video.current?.play().catch(() => undefined)}
      onMouseLeave={() => video.current?.pause()}
      onFocus={() => void video.current?.play().catch(() => undefined)}
      onBlur={() => video.current?.pause()}
      tabIndex={0}
    />
  );
}

export interface Problem {
  readonly field: string;
  readonly problem: string;
}

/** A UserError or a failed call, said in words, with InvalidInput's problems field by field. */
export function ProblemNotice({ message, fields }: { message: string | null; fields?: readonly Problem[] }) {
  if (!message) return null;
  return (
    <div role="alert" className="notice notice-bad">
      <p>{message}</p>
      {fields && fields.length > 0 && (
        <ul>
          {fields.map((field) => (
            <li key={field.field + field.problem}>
              <code>{field.field}</code>: {field.problem}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The foot of every delete form: keep the outputs or not, why it was refused, and the choice
 * (Keep, or Delete while nothing blocks it).
 */
export function DeleteChoice({
  deleteOutputs,
  onDeleteOutputs,
  problem,
  disabled,
  onKeep,
  onDelete,
}: {
  deleteOutputs: boolean;
  onDeleteOutputs: (deleteOutputs: boolean) => void;
  problem: string | null;
  disabled: boolean;
  onKeep: () => void;
  onDelete: () => void;
}) {
  return (
    <>
      <label className="check">
        <input type="checkbox" checked={deleteOutputs} onChange={(event) => onDeleteOutputs(event.target.checked)} /> Also delete the output files
      </label>
      <ProblemNotice message={problem} />
      <div className="actions">
        <button type="button" onClick={onKeep}>
          Keep
        </button>
        <button type="button" className="danger" disabled={disabled} onClick={onDelete}>
          Delete
        </button>
      </div>
    </>
  );
}

/** A modal dialog (native <dialog>: focus trapped, Escape closes) for confirmations and forms. */
export function Dialog({ title, open, onClose, children }: { title: string; open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} className="dialog">
      <header className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="ghost" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </header>
      {open && children}
    </dialog>
  );
}

/** A labelled select whose value lives where the caller keeps it (usually the query string). */
export function Select({ label, value, options, onChange }: { label: string; value: string; options: readonly [string, string][]; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <span className="field-inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {options.map(([optionValue, text]) => (
          <option key={optionValue} value={optionValue}>
            {text}
          </option>
        ))}
      </select>
    </span>
  );
}

/** A search box that reports after a pause in typing (one query per thought, not per key). */
export function SearchBox({ label, value, onChange, placeholder }: { label: string; value: string; onChange: (value: string) => void; placeholder?: string }) {
  const id = useId();
  const [typed, setTyped] = useState(value);
  useEffect(() => setTyped(value), [value]);
  useEffect(() => {
    if (typed === value) return;
    const timer = setTimeout(() => onChange(typed), 250);
    return () => clearTimeout(timer);
  }, [typed]);
  return (
    <span className="field-inline search">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" value={typed} placeholder={placeholder} onChange={(event) => setTyped(event.target.value)} />
    </span>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Panel({ title, children, actions, className }: { title: string; children: ReactNode; actions?: ReactNode; className?: string }) {
  const id = useId();
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={id}>
      <header className="panel-head">
        <h2 id={id}>{title}</h2>
        {actions && <div className="actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** Term/value pairs for detail panels. */
export function Facts({ rows }: { rows: readonly [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}
