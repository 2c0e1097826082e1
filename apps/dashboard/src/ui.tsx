import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import * as Plot from '@observablehq/plot';
import { ApiError } from './api';
import { localDate, localDateTime, utc } from './format';

/** Okabe–Ito: eight colours told apart with every common colour-vision deficiency. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
];

/** A time in the browser's time zone, UTC on hover. */
export function Time({ iso, dateOnly = false }: { iso: string | null | undefined; dateOnly?: boolean }) {
  if (!iso) return <span class="muted">not yet</span>;
  return (
    <time dateTime={iso} title={utc(iso)}>
      {dateOnly ? localDate(iso) : localDateTime(iso)}
    </time>
  );
}

export type Loaded<T> =
  { state: 'loading' } | { state: 'error'; error: ApiError | Error } | { state: 'done'; value: T };

/** Runs `load` whenever `deps` change; a newer run wins over an older one still in flight. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setResult({ state: 'loading' });
    load().then(
      (value) => current && setResult({ state: 'done', value }),
      (error: unknown) =>
        current &&
        setResult({ state: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
    // The caller names what the load depends on.
  }, [...deps, round]);
  return [result, () => setRound((n) => n + 1)];
}

/** What to do about an error, in words. */
export function advice(error: Error): string {
  const code = error instanceof ApiError ? error.code : null;
  if (code === 'UNAUTHENTICATED')
    return 'The API key is unknown or was revoked: sign out and enter another key.';
  if (code === 'FORBIDDEN')
    return "This key's role may not see this: ask an admin for a key with a higher role.";
  if (code === 'NOT_FOUND') return 'Check the link, or search for the incident.';
  if (code === 'BAD_USER_INPUT') return 'Correct the value named above and try again.';
  if (code === 'QUERY_TOO_COMPLEX') return 'Pick a shorter period or a coarser bucket.';
  return 'Try again; if it keeps failing, check the service logs.';
}

export function ErrorMessage({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div class="error" role="alert">
      <p>
        <strong>Could not load this.</strong> {error.message}
      </p>
      <p>{advice(error)}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Loading, error and done states of a load, the same everywhere. */
export function Async<T>({
  loaded,
  retry,
  children,
}: {
  loaded: Loaded<T>;
  retry?: () => void;
  children: (value: T) => ComponentChildren;
}) {
  if (loaded.state === 'loading')
    return (
      <p class="loading" role="status" aria-live="polite">
        Loading…
      </p>
    );
  if (loaded.state === 'error') return <ErrorMessage error={loaded.error} retry={retry} />;
  return <>{children(loaded.value)}</>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/** An Observable Plot chart, drawn into the page, with a text label for screen readers. */
export function PlotChart({ label, options }: { label: string; options: Plot.PlotOptions }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const chart = Plot.plot({
      width: Math.max(320, Math.min(element.clientWidth || 640, 960)),
      height: 260,
      marginLeft: 56,
      style: { fontSize: '12px', background: 'transparent' },
      ariaLabel: label,
      ...options,
    });
    // Plot names each mark's group ("bar", "line"): words that tell a screen reader nothing, and an
    // aria-label a plain <g> may not carry. The chart's own label stays; its figures are in a table.
    for (const group of chart.querySelectorAll('g[aria-label]')) group.removeAttribute('aria-label');
    element.replaceChildren(chart);
    return () => chart.remove();
  }, [label, options]);
  return <div class="chart" ref={holder} />;
}

/** A button that runs an async action once at a time and says when it failed. */
export function ActionButton({
  label,
  action,
  disabled,
  title,
}: {
  label: string;
  action: () => Promise<void>;
  disabled?: boolean;
  title?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  return (
    <span class="action">
      <button
        type="button"
        disabled={disabled || busy}
        title={title}
        onClick={() => {
          setBusy(true);
          setFailure(null);
          action().then(
            () => setBusy(false),
            (error: unknown) => {
              setBusy(false);
              setFailure(error instanceof Error ? error.message : String(error));
            },
          );
        }}
      >
        {busy ? 'Working…' : label}
      </button>
      {failure && (
        <span class="error-inline" role="alert">
          {failure}
        </span>
      )}
    </span>
  );
}
