//! Saves a blob (an exported chart) as a file through an object URL, since the token-protected API cannot be a plain link.

/** How long the object URL stays valid after the click; the browser has copied it by then. */
const OBJECT_URL_LIFETIME_MS = 60_000;

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), OBJECT_URL_LIFETIME_MS);
}
