import type { TemplateDraft } from "./template-draft.js";
import { emptyDraft, newId } from "./template-draft.js";

/** The create form's draft in localStorage, so a reload (or a closed tab) does not lose it. */
export function saveDraft(key: string, draft: TemplateDraft): void {
  try {
    localStorage.setItem(key, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the draft lives only in the page.
  }
}

export function clearSavedDraft(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // as above
  }
}

export function loadSavedDraft(key: string): TemplateDraft | undefined {
  try {
    const raw = localStorage.getItem(key);
    if (raw === null) return undefined;
    const saved = JSON.parse(raw) as Partial<TemplateDraft>;
    const base = emptyDraft();
    if (typeof saved !== "object" || saved === null || typeof saved.name !== "string") return undefined;
    return {
      ...base,
      ...saved,
      header: { ...base.header, ...saved.header },
      body: { ...base.body, ...saved.body },
      footer: { ...base.footer, ...saved.footer },
      // Fresh ids: the counter behind them restarted with the page.
      buttons: (Array.isArray(saved.buttons) ? saved.buttons : []).map((b) => ({
        ...b,
        id: newId("b"),
        supportedApps: (Array.isArray(b.supportedApps) ? b.supportedApps : []).map((app) => ({
          ...app,
          id: newId("app"),
        })),
      })),
    };
  } catch {
    return undefined;
  }
}
