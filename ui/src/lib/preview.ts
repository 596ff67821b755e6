// Pictures attached to messages, shown from their bytes through `blob:` URLs (the app's
// Content-Security-Policy allows `img-src 'self' data: blob:`). Every URL made here must be
// released when its picture goes away, or the bytes stay in memory until the app closes.

export type PreviewType = "image/jpeg" | "image/png";

export function isPreviewable(mediaType: string): mediaType is PreviewType {
  return mediaType === "image/jpeg" || mediaType === "image/png";
}

/** A URL an `<img>` can show, for the bytes of a JPEG or PNG picture. */
export function previewUrl(bytes: Uint8Array<ArrayBuffer>, mediaType: PreviewType): string {
  return URL.createObjectURL(new Blob([bytes], { type: mediaType }));
}

export function releasePreview(url: string | null): void {
  if (url) URL.revokeObjectURL(url);
}
