import { cloneElement, useId, useState, type FormEvent, type ReactElement } from 'react';
import { errorMessage } from './api.ts';

/** Submit state for a form: busy while the call runs, the problem detail when it fails. */
export function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, onSubmit };
}

export function FormError({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="error">
      {error}
    </p>
  ) : null;
}

/** A labelled field; the label wraps the control, and the hint (outside the label) describes it. */
export function Field({ label, children, hint }: { label: string; children: ReactElement<{ 'aria-describedby'?: string }>; hint?: string }) {
  const hintId = useId();
  return (
    <div className="field">
      <label>
        <span className="field-label">{label}</span>
        {hint ? cloneElement(children, { 'aria-describedby': hintId }) : children}
      </label>
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/** A secret shown exactly once, with a way to copy it. */
export function ShownOnce({ label, value, note, onDismiss }: { label: string; value: string; note: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="once" role="status">
      <p>
        <strong>{label}</strong> {note}
      </p>
      <div className="once-value">
        <input aria-label={label} readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy}>
          Copy
        </button>
      </div>
      <p className="hint">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Copying is blocked here: select the text and copy it by hand.' : 'It will not be shown again.'}
      </p>
      <button type="button" className="link" onClick={onDismiss}>
        Done, hide it
      </button>
    </div>
  );
}
