import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Empty, ErrorBox, Loading } from "../components/states.js";
import { hrefFor } from "../lib/router.js";
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
  const library = useQuery({ ...trpc.templates.library.queryOptions({ phone_number_id: phoneNumberId, query }), placeholderData: keepPreviousData });
  return (
    <>
      <p className="breadcrumb">
        <a href={hrefFor({ page: "accounts" })}>Accounts</a> / <a href={hrefFor({ page: "list", phoneNumberId })}>Templates</a> / Library
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
      {library.data !== undefined && library.data.length === 0 && <Empty>No library template matches these filters.</Empty>}
      {library.data !== undefined && library.data.length > 0 && (
        <ul className="library" aria-label="Library templates">
          {library.data.map((entry) => (
            <li key={`${entry.name}/${entry.language}`} data-testid="library-entry">
              <h3>{entry.name}</h3>
              <p className="hint">
                {[entry.category, entry.topic, entry.usecase, entry.language].map((part) => String(part ?? "")).join(" · ")}
              </p>
              {typeof entry.header === "string" && (
                <p>
                  <strong>{entry.header}</strong>
                </p>
              )}
              <p>{String(entry.body)}</p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
