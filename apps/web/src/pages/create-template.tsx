import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TemplateForm } from "../components/template-form.js";
import { hrefFor, navigate } from "../lib/router.js";
import { clearSavedDraft } from "../lib/saved-draft.js";
import { trpc } from "../lib/trpc.js";

export default function CreateTemplatePage({ phoneNumberId }: { phoneNumberId: string }) {
  const queryClient = useQueryClient();
  const draftKey = `kirim.create-draft.${phoneNumberId}`;
  const create = useMutation(
    trpc.templates.create.mutationOptions({
      onSuccess: async (template) => {
        clearSavedDraft(draftKey);
        await queryClient.invalidateQueries(trpc.templates.pathFilter());
        navigate({ page: "detail", phoneNumberId, name: template.name, language: template.language, created: true });
      },
    }),
  );
  return (
    <>
      <p className="breadcrumb">
        <a href={hrefFor({ page: "accounts" })}>Accounts</a> / <a href={hrefFor({ page: "list", phoneNumberId })}>Templates</a> / New
      </p>
      <div className="page-head">
        <h1>New template</h1>
      </div>
      <TemplateForm
        draftKey={draftKey}
        submitting={create.isPending}
        serverError={create.error ?? undefined}
        onEdit={() => {
          if (create.isError) create.reset();
        }}
        onSubmit={(template) => create.mutate({ phone_number_id: phoneNumberId, template })}
      />
    </>
  );
}
