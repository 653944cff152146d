// Small shared pieces: buttons that a read-only key disables (with the reason as tooltip), inline
// errors carrying the API's message, empty states, table headers, sanitized markdown, progress bars.
import { useMemo, type ButtonHTMLAttributes, type ReactNode } from 'react';
import type { Operation } from '../api/types.js';
import { OPERATION_LABELS } from '../lib/format.js';
import { renderMarkdown } from '../lib/markdown.js';
import { READ_ONLY_REASON, useSession } from './session-context.js';

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'danger' | 'plain' };

export function Button({ variant = 'plain', className, ...props }: ButtonProps) {
  return <button type="button" className={`btn btn-${variant} ${className ?? ''}`} {...props} />;
}

/** A button for a write action: disabled for a read-only key, with a tooltip that says why. */
export function WriteButton({ title, disabled, ...props }: ButtonProps) {
  const { canWrite } = useSession();
  if (canWrite) return <Button title={title} disabled={disabled} {...props} />;
  return (
    <span className="tooltip-wrap" title={READ_ONLY_REASON}>
      <Button {...props} disabled aria-disabled="true" aria-description={READ_ONLY_REASON} />
    </span>
  );
}

export function ErrorNote({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  if (!error) return null;
  const message = errorMessage(error);
  return (
    <div className="error-note" role="alert">
      <span>{message}</span>
      {onDismiss && (
        <button type="button" className="link" onClick={onDismiss} aria-label="Dismiss the error">
          ×
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children && <div className="empty-hint">{children}</div>}
    </div>
  );
}

export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

export function OperationBadge({ operation }: { operation: Operation | null }) {
  if (!operation) return <span className="badge badge-none">draft</span>;
  return <span className={`badge badge-${operation}`}>{OPERATION_LABELS[operation]}</span>;
}

export function ProgressBar({ done, total, label }: { done: number; total: number; label: string }) {
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
    >
      <div
        className="progress-fill"
        style={{ width: `${total === 0 ? 100 : Math.round((done / total) * 100)}%` }}
      />
    </div>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'Something went wrong.';
}

/** A table's column headers; `actions` adds a last column for row buttons, named for screen readers only. */
export function TableHead({ columns, actions = false }: { columns: readonly string[]; actions?: boolean }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column} scope="col">
            {column}
          </th>
        ))}
        {actions && (
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
