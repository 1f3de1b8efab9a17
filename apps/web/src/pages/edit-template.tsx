import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TemplateForm } from "../components/template-form/index.js";
import { ErrorBox, Loading } from "../components/states.js";
import { draftFromTemplate, formCannotExpress } from "../lib/draft-from-template.js";
import { FormCannotExpressNotice } from "../components/form-cannot-express.js";
import { EditRulesNotice } from "../components/lifecycle-actions.js";
import { editRulesFor } from "../lib/edit-rules.js";
import { hrefFor, navigate } from "../lib/router.js";
import { trpc } from "../lib/trpc.js";
import { uploadHeaderSample } from "../lib/upload.js";

export interface EditTemplateProps {
  phoneNumberId: string;
  name: string;
  language: string | undefined;
}

export default function EditTemplatePage({ phoneNumberId, name, language }: EditTemplateProps) {
  const queryClient = useQueryClient();
  const query = useQuery(
    trpc.templates.get.queryOptions({
      phone_number_id: phoneNumberId,
      name,
      ...(language === undefined ? {} : { language }),
    }),
  );
  const template = query.data;
  const events = useQuery({
    ...trpc.templates.events.queryOptions({
      phone_number_id: phoneNumberId,
      name,
      language: template?.language ?? "en",
      limit: 100,
    }),
    enabled: template !== undefined,
  });
  const edit = useMutation(
    trpc.templates.edit.mutationOptions({
      onSuccess: async (edited) => {
        await queryClient.invalidateQueries(trpc.templates.pathFilter());
        navigate({ page: "detail", phoneNumberId, name: edited.name, language: edited.language });
      },
    }),
  );
  const rules =
    template !== undefined && events.data !== undefined
      ? editRulesFor(template.meta_status, events.data.data)
      : undefined;

  return (
    <>
      <p className="breadcrumb">
        <a href={hrefFor({ page: "accounts" })}>Accounts</a> /{" "}
        <a href={hrefFor({ page: "list", phoneNumberId })}>Templates</a> /{" "}
        <a href={hrefFor({ page: "detail", phoneNumberId, name, language })}>{name}</a> / Edit
      </p>
      <div className="page-head">
        <h1>
          Edit {name}
          {template !== undefined && ` (${template.language})`}
        </h1>
      </div>
      {(query.isPending || (template !== undefined && events.isPending)) && <Loading>Loading {name}…</Loading>}
      {query.isError && <ErrorBox error={query.error} onRetry={() => void query.refetch()} />}
      {events.isError && <ErrorBox error={events.error} onRetry={() => void events.refetch()} />}
      {template !== undefined && rules !== undefined && (
        <>
          <EditRulesNotice rules={rules} />
          {rules.editable && <FormCannotExpressNotice parts={formCannotExpress(template.components)} action="edited" />}
          {rules.editable && formCannotExpress(template.components).length === 0 && (
            <TemplateForm
              initialDraft={draftFromTemplate(template)}
              locked={rules.categoryLocked ? ["name", "language", "category"] : ["name", "language"]}
              formLabel="Edit template"
              submitLabel="Submit the edit to Meta"
              submitting={edit.isPending}
              serverError={edit.error ?? undefined}
              uploadSample={(file) => uploadHeaderSample(phoneNumberId, file)}
              onEdit={() => {
                if (edit.isError) edit.reset();
              }}
              onSubmit={(request) =>
                edit.mutate({
                  phone_number_id: phoneNumberId,
                  name,
                  edit: {
                    language: template.language,
                    components: request.components ?? [],
                    ...(rules.categoryLocked || request.category === template.category
                      ? {}
                      : { category: request.category }),
                    ...(request.messageSendTtlSeconds === undefined
                      ? {}
                      : { messageSendTtlSeconds: request.messageSendTtlSeconds }),
                  },
                })
              }
            />
          )}
        </>
      )}
    </>
  );
}
