import type { DragEvent } from "react";
import { useId, useState } from "react";
import { SAMPLE_TYPES } from "../lib/upload.js";

/** A sample picked on this device: shown in the preview from a local object URL; Meta gets the handle. */
export interface LocalMedia {
  url: string;
  mimeType: string;
  fileName: string;
  handle: string;
}

export interface MediaPickerProps {
  format: "IMAGE" | "VIDEO" | "DOCUMENT";
  upload: (file: File) => Promise<{ handle: string }>;
  onUploaded: (media: LocalMedia) => void;
}

const kB = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** File picker and drop zone for a media header's sample: checked against Meta's type and size, then uploaded. */
export function MediaPicker({ format, upload, onUploaded }: MediaPickerProps) {
  const id = useId();
  const [state, setState] = useState<
    | { kind: "idle" }
    | { kind: "busy"; name: string }
    | { kind: "done"; name: string; size: number }
    | { kind: "error"; message: string }
  >({ kind: "idle" });
  const [over, setOver] = useState(false);
  const rules = SAMPLE_TYPES[format];

  const take = async (file: File | undefined) => {
    if (file === undefined) return;
    if (!rules.types.includes(file.type)) {
      setState({ kind: "error", message: `“${file.name}” is not ${rules.words}.` });
      return;
    }
    if (file.size > rules.maxBytes) {
      setState({ kind: "error", message: `“${file.name}” is ${kB(file.size)}; Meta takes ${rules.words}.` });
      return;
    }
    setState({ kind: "busy", name: file.name });
    try {
      const { handle } = await upload(file);
      onUploaded({ url: URL.createObjectURL(file), mimeType: file.type, fileName: file.name, handle });
      setState({ kind: "done", name: file.name, size: file.size });
    } catch (error) {
      setState({ kind: "error", message: error instanceof Error ? error.message : "The upload failed." });
    }
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    void take(event.dataTransfer.files[0]);
  };

  return (
    <div
      className={`drop-zone${over ? " drop-over" : ""}`}
      data-testid="media-drop"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <label htmlFor={id}>Or upload a file from this device</label>
      <input
        id={id}
        type="file"
        accept={rules.types.join(",")}
        aria-describedby={`${id}-hint`}
        onChange={(e) => void take(e.target.files?.[0])}
      />
      <p className="hint" id={`${id}-hint`}>
        Choose or drop {rules.words}. It is uploaded to Meta now and its handle goes into the template.
      </p>
      <p role="status" data-testid="media-upload-status">
        {state.kind === "busy" && `Uploading ${state.name}…`}
        {state.kind === "done" && `Uploaded ${state.name} (${kB(state.size)}).`}
      </p>
      {state.kind === "error" && (
        <p className="field-error" role="alert" data-testid="media-upload-error">
          {state.message}
        </p>
      )}
    </div>
  );
}
