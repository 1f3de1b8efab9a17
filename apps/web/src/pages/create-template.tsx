import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TemplateForm } from "../components/template-form/index.js";
import { ErrorBox, Loading } from "../components/states.js";
import { draftFromTemplate, duplicateName, formCannotExpress } from "../lib/draft-from-template.js";
import { FormCannotExpressNotice } from "../components/form-cannot-express.js";
import { titleCase } from "../lib/format.js";
import { hrefFor, navigate } from "../lib/router.js";
import { clearSavedDraft } from "../lib/saved-draft.js";
import { trpc } from "../lib/trpc.js";
import { uploadHeaderSample } from "../lib/upload.js";

export interface CreateTemplateProps {
  phoneNumberId: string;
  /** Start from a template: a duplicate under a new name, or the same name in another language. */
  from?: { name: string; language: string | undefined; as: "duplicate" | "language" } | undefined;
}

export default function CreateTemplatePage({ phoneNumberId, from }: CreateTemplateProps) {
  const queryClient = useQueryClient();
  // Only a blank create keeps its draft across reloads; a duplicate or a new language starts from its source.
  const draftKey = from === undefined ? `kirim.create-draft.${phoneNumberId}` : undefined;
  const source = useQuery({
    ...trpc.templates.get.queryOptions({
      phone_number_id: phoneNumberId,
      name: from?.name ?? "",
      ...(from?.language === undefined ? {} : { language: from.language }),
    }),
    enabled: from !== undefined,
  });
  const create = useMutation(
    trpc.templates.create.mutationOptions({
      onSuccess: async (template) => {
        if (draftKey !== undefined) clearSavedDraft(draftKey);
        await queryClient.invalidateQueries(trpc.templates.pathFilter());
        navigate({ page: "detail", phoneNumberId, name: template.name, language: template.language, created: true });
      },
    }),
  );
  const addLanguage = from?.as === "language";
  const title =
    from === undefined ? "New template" : addLanguage ? `Add a language to ${from.name}` : `Duplicate ${from.name}`;
  const template = source.data;
  const cannotExpress = template === undefined ? [] : formCannotExpress(template.components);
  const initialDraft =
    template === undefined || cannotExpress.length > 0
      ? undefined
      : {
          ...draftFromTemplate(template),
          ...(addLanguage ? { language: "" } : { name: duplicateName(template.name) }),
        };

  return (
    <>
      <p className="breadcrumb">
        <a href={hrefFor({ page: "accounts" })}>Accounts</a> /{" "}
        <a href={hrefFor({ page: "list", phoneNumberId })}>Templates</a> /{" "}
        {from === undefined ? (
          "New"
        ) : (
          <a href={hrefFor({ page: "detail", phoneNumberId, name: from.name, language: from.language })}>{from.name}</a>
        )}
      </p>
      <div className="page-head">
        <h1>{title}</h1>
      </div>
      {from !== undefined && source.isPending && <Loading>Loading {from.name}…</Loading>}
      {from !== undefined && source.isError && <ErrorBox error={source.error} onRetry={() => void source.refetch()} />}
      {addLanguage && template !== undefined && (
        <p className="alert" data-testid="mode-notice">
          A new language of <strong>{template.name}</strong>: the name and its category (
          <strong>{titleCase(template.category)}</strong>) stay as they are — Meta keeps one category per name. It
          already has {template.languages.join(", ")}; translate the texts below and submit it for its own review.
        </p>
      )}
      {!addLanguage && from !== undefined && template !== undefined && (
        <p className="alert" data-testid="mode-notice">
          A copy of <strong>{template.name}</strong> ({template.language}) under a new name. It is a new template and
          goes through Meta’s review on its own.
        </p>
      )}
      <FormCannotExpressNotice parts={cannotExpress} action={addLanguage ? "translated" : "copied"} />
      {(from === undefined || initialDraft !== undefined) && (
        <TemplateForm
          initialDraft={initialDraft}
          draftKey={draftKey}
          locked={addLanguage ? ["name", "category"] : []}
          submitLabel={addLanguage ? "Submit the new language to Meta" : undefined}
          submitting={create.isPending}
          serverError={create.error ?? undefined}
          uploadSample={(file) => uploadHeaderSample(phoneNumberId, file)}
          onEdit={() => {
            if (create.isError) create.reset();
          }}
          onSubmit={(request) => create.mutate({ phone_number_id: phoneNumberId, template: request })}
        />
      )}
    </>
  );
}
