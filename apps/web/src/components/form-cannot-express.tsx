/** Said instead of a form that would drop parts of the template it cannot show. */
export function FormCannotExpressNotice({ parts, action }: { parts: readonly string[]; action: string }) {
  if (parts.length === 0) return null;
  return (
    <p className="alert alert-error" role="alert" data-testid="form-cannot-express">
      This template has {parts.join(", ")}, which the form cannot show yet, so it cannot be {action} here without losing
      them. Use the API (<a href="/docs">reference</a>) for this one.
    </p>
  );
}
