import type { RefObject } from "react";

/** Every problem after a failed submit, in form order; each one focuses its field. */
export function ErrorSummary({
  summary,
  summaryRef,
  onPick,
}: {
  summary: { key: string; message: string }[];
  summaryRef: RefObject<HTMLDivElement | null>;
  onPick: (key: string) => void;
}) {
  if (summary.length === 0) return null;
  return (
    <div
      className="alert alert-error error-summary"
      ref={summaryRef}
      tabIndex={-1}
      role="alert"
      aria-labelledby="error-summary-title"
      data-testid="error-summary"
    >
      <h2 id="error-summary-title">
        {summary.length === 1 ? "1 problem to fix" : `${summary.length} problems to fix`} before submitting
      </h2>
      <ul>
        {summary.map(({ key, message }) => (
          <li key={`${key}:${message}`}>
            <button type="button" className="link-button" onClick={() => onPick(key)}>
              {message}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
