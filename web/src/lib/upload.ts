// File upload with progress: fetch() cannot report upload progress, XMLHttpRequest can.
// Same rules as lib/http.ts: the session cookie, the CSRF token, the language, problem+json errors.
import { ApiError, apiHeaders, reportUnauthorized, toApiError } from './http';

export interface UploadOptions {
  /** The multipart field name; `file` unless the route says otherwise. */
  field?: string;
  /** Called with the fraction sent so far, 0 to 1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Form fields sent before the file (the server reads them whichever comes first). */
  fields?: Record<string, string>;
}

function parse(xhr: XMLHttpRequest): unknown {
  const text = xhr.responseText;
  if (text === '') return undefined;
  const type = xhr.getResponseHeader('content-type') ?? '';
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function uploadFile<T>(url: string, file: File, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(apiHeaders('POST'))) xhr.setRequestHeader(name, value);

    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      const body = parse(xhr);
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(1);
        resolve(body as T);
        return;
      }
      const error = toApiError(xhr.status, xhr.statusText, body);
      reportUnauthorized(error);
      reject(error);
    });
    xhr.addEventListener('error', () => {
      reject(new ApiError({ status: 0, title: 'Network error', detail: 'The upload could not reach the server.' }));
    });
    xhr.addEventListener('abort', () => reject(new DOMException('The upload was cancelled.', 'AbortError')));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });

    const form = new FormData();
    for (const [name, value] of Object.entries(options.fields ?? {})) form.append(name, value);
    form.append(options.field ?? 'file', file, file.name);
    xhr.send(form);
  });
}
