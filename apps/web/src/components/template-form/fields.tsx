import type { ReactNode } from "react";
import { createContext, useContext } from "react";
import type { TemplateDraft } from "../../lib/template-draft.js";

/** Changes the draft and marks `key` as touched (its errors show from the next validation on). */
export type Update = (key: string, change: (d: TemplateDraft) => TemplateDraft) => void;

export const fieldId = (key: string): string => `f-${key.replace(/[^a-zA-Z0-9_-]/g, "-")}`;

export interface FieldState {
  errorsFor: (key: string) => string[];
  touch: (key: string) => void;
}
export const FieldContext = createContext<FieldState>({ errorsFor: () => [], touch: () => undefined });

export interface InputProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby": string | undefined;
  onBlur: () => void;
}

/** A labelled input with its errors right beneath it (announced and linked with aria-describedby). */
export function Field({
  k,
  label,
  hint,
  count,
  children,
}: {
  k: string;
  label: string;
  hint?: string;
  /** A limited text: its value and limit, counted as Meta counts (code points). */
  count?: { value: string; limit: number };
  children: (props: InputProps) => ReactNode;
}) {
  const { errorsFor, touch } = useContext(FieldContext);
  const errors = errorsFor(k);
  const id = fieldId(k);
  const describedBy = [
    hint !== undefined ? `${id}-hint` : undefined,
    count !== undefined ? `${id}-count` : undefined,
    errors.length > 0 ? `${id}-error` : undefined,
  ]
    .filter(Boolean)
    .join(" ");
  const used = count === undefined ? 0 : [...count.value].length;
  return (
    <div className="field" data-invalid={errors.length > 0} data-field={k}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        "aria-invalid": errors.length > 0,
        "aria-describedby": describedBy || undefined,
        onBlur: () => touch(k),
      })}
      {(hint !== undefined || count !== undefined) && (
        <div className="field-foot">
          {hint !== undefined && (
            <p className="hint" id={`${id}-hint`}>
              {hint}
            </p>
          )}
          {count !== undefined && (
            <span
              className="counter"
              id={`${id}-count`}
              data-testid={`count-${k}`}
              data-over={used > count.limit}
              aria-label={`${used} of ${count.limit} characters`}
            >
              {used}/{count.limit}
            </span>
          )}
        </div>
      )}
      <FieldErrors k={k} errors={errors} />
    </div>
  );
}

function FieldErrors({ k, errors }: { k: string; errors: string[] }) {
  if (errors.length === 0) return null;
  return (
    <div className="field-error" id={`${fieldId(k)}-error`} data-error-for={k} role="alert">
      {errors.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}

/** Errors that belong to a whole section (e.g. "exactly one BODY", a missing example) rather than one input. */
export function SectionErrors({ k }: { k: string }) {
  const { errorsFor } = useContext(FieldContext);
  return <FieldErrors k={k} errors={errorsFor(k)} />;
}
