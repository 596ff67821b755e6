// Files dragged onto the message form: the form shows it is a drop target while files are
// over it (entering and leaving its children counts in and out), and attaches what is dropped
// unless the message is being sent. Drags that carry no files (text, links) are left alone.

/** The parts of a drag event this needs (a `DragEvent` has them). */
export interface FileDragEvent {
  dataTransfer: Pick<DataTransfer, "types" | "files" | "dropEffect"> | null;
  preventDefault(): void;
}

export interface FileDropOptions {
  /** False while sending: files dropped then are not attached. */
  accepting: () => boolean;
  onFiles: (files: File[]) => void;
  /** Files are being dragged over the form, or no longer. */
  onDragging: (dragging: boolean) => void;
}

export class FileDrop {
  #options: FileDropOptions;
  #depth = 0;

  constructor(options: FileDropOptions) {
    this.#options = options;
  }

  get dragging(): boolean {
    return this.#depth > 0;
  }

  enter(event: FileDragEvent): void {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    this.#setDepth(this.#depth + 1);
  }

  over(event: FileDragEvent): void {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = this.#options.accepting() ? "copy" : "none";
  }

  leave(event: FileDragEvent): void {
    if (!carriesFiles(event)) return;
    this.#setDepth(Math.max(0, this.#depth - 1));
  }

  drop(event: FileDragEvent): void {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    this.#setDepth(0);
    if (this.#options.accepting()) this.#options.onFiles(Array.from(event.dataTransfer?.files ?? []));
  }

  #setDepth(depth: number): void {
    const was = this.dragging;
    this.#depth = depth;
    if (was !== this.dragging) this.#options.onDragging(this.dragging);
  }
}

function carriesFiles(event: FileDragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes("Files");
}
