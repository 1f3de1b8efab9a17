import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TLibraryTemplate } from "@kirim/schema";
import { useState } from "react";
import { Empty, ErrorBox, Loading } from "../components/states.js";
import { hrefFor, navigate } from "../lib/router.js";
import { trpc } from "../lib/trpc.js";

/** Meta's Template Library (issue 16), browsed with Meta's filters: search, topic, use case, industry, language. */
const TOPICS = ["ACCOUNT_UPDATE", "CUSTOMER_FEEDBACK", "ORDER_MANAGEMENT", "PAYMENTS"];
const INDUSTRIES = ["E_COMMERCE", "FINANCIAL_SERVICES"];

export default function TemplateLibraryPage({ phoneNumberId }: { phoneNumberId: string }) {
  const [search, setSearch] = useState("");
  const [topic, setTopic] = useState("");
  const [industry, setIndustry] = useState("");
  const [usecase, setUsecase] = useState("");
  const query = {
    ...(search.trim() === "" ? {} : { search: search.trim() }),
    ...(topic === "" ? {} : { topic }),
    ...(industry === "" ? {} : { industry }),
    ...(usecase.trim() === "" ? {} : { usecase: usecase.trim() }),
  };
  const library = useQuery({
    ...trpc.templates.library.queryOptions({ phone_number_id: phoneNumberId, query }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <p className="breadcrumb">
        <a href={hrefFor({ page: "accounts" })}>Accounts</a> /{" "}
        <a href={hrefFor({ page: "list", phoneNumberId })}>Templates</a> / Library
      </p>
      <h1>Template library</h1>
      <div className="row">
        <label>
          Search the library
          <input value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <label>
          Topic
          <select value={topic} onChange={(e) => setTopic(e.target.value)}>
            <option value="">Any topic</option>
            {TOPICS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Industry
          <select value={industry} onChange={(e) => setIndustry(e.target.value)}>
            <option value="">Any industry</option>
            {INDUSTRIES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Use case
          <input value={usecase} placeholder="e.g. DELIVERY_UPDATE" onChange={(e) => setUsecase(e.target.value)} />
        </label>
      </div>
      {library.isPending && <Loading>Loading the library…</Loading>}
      {library.isError && <ErrorBox error={library.error} onRetry={() => void library.refetch()} />}
      {library.data !== undefined && library.data.length === 0 && (
        <Empty>No library template matches these filters.</Empty>
      )}
      {library.data !== undefined && library.data.length > 0 && (
        <ul className="library" aria-label="Library templates">
          {library.data.map((entry) => (
            <li key={`${entry.name}/${entry.language}`} data-testid="library-entry">
              <h3>{entry.name}</h3>
              <p className="hint">
                {[entry.category, entry.topic, entry.usecase, entry.language]
                  .map((part) =>
                    part === undefined || part === null ? "" : typeof part === "string" ? part : JSON.stringify(part),
                  )
                  .join(" · ")}
              </p>
              {typeof entry.header === "string" && (
                <p>
                  <strong>{entry.header}</strong>
                </p>
              )}
              <p>{String(entry.body)}</p>
              <UseLibraryTemplate phoneNumberId={phoneNumberId} entry={entry} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** "Use this template": name, language and the inputs the entry's URL / phone buttons need, created through tRPC. */
function UseLibraryTemplate({ phoneNumberId, entry }: { phoneNumberId: string; entry: TLibraryTemplate }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(entry.name.replace(/[^a-z0-9_]/g, "_"));
  const [language, setLanguage] = useState(entry.language);
  const inputButtons = (entry.buttons ?? []).filter(
    (button) => button.type === "URL" || button.type === "PHONE_NUMBER",
  );
  const [values, setValues] = useState<string[]>(
    inputButtons.map((button) => (button.type === "URL" ? (button.url ?? "") : (button.phone_number ?? ""))),
  );
  const create = useMutation(
    trpc.templates.create.mutationOptions({
      onSuccess: async (template) => {
        await queryClient.invalidateQueries(trpc.templates.pathFilter());
        navigate({ page: "detail", phoneNumberId, name: template.name, language: template.language, created: true });
      },
    }),
  );
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Use this template
      </button>
    );
  }
  const submit = () => {
    const buttonInputs = inputButtons.map((button, index) =>
      button.type === "URL"
        ? {
            type: "URL",
            url: {
              base_url: values[index] ?? "",
              ...(String(values[index] ?? "").includes("{{1}}")
                ? { url_suffix_example: String(values[index]).replace("{{1}}", "example") }
                : {}),
            },
          }
        : { type: "PHONE_NUMBER", phone_number: values[index] ?? "" },
    );
    create.mutate({
      phone_number_id: phoneNumberId,
      template: {
        name: name.trim(),
        language,
        category: entry.category === "AUTHENTICATION" ? "AUTHENTICATION" : "UTILITY",
        library_template_name: entry.name,
        ...(buttonInputs.length === 0 ? {} : { library_template_button_inputs: buttonInputs }),
      },
    });
  };
  return (
    <form
      aria-label={`Create from ${entry.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label>
        Template name
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Language
        <input value={language} onChange={(e) => setLanguage(e.target.value)} />
      </label>
      {inputButtons.map((button, index) => (
        <label key={index}>
          {button.type === "URL"
            ? `URL of "${button.text ?? "button"}"`
            : `Phone number of "${button.text ?? "button"}"`}
          <input
            value={values[index] ?? ""}
            onChange={(e) => setValues(values.map((v, i) => (i === index ? e.target.value : v)))}
          />
        </label>
      ))}
      {create.isError && <ErrorBox error={create.error} />}
      <button type="submit" disabled={create.isPending}>
        Create from library
      </button>
    </form>
  );
}
