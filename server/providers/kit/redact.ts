/** Keeps secrets out of anything the server says: a provider message that quotes a key (OpenAI's
 * `Incorrect API key provided: sk-abc***wxyz`) or a URL that holds one (percent-encoded too) loses every run of 8+
 * characters of any secret, and anything shaped like an API key or bearer token. */
const FRAGMENT = 8;
const KEY_SHAPES = [/\bsk-[A-Za-z0-9_*.\-]{4,}/g, /\bBearer\s+[A-Za-z0-9._~+/=\-]+/gi];
export const REDACTED = '[REDACTED]';

function secretStrings(secrets: Record<string, unknown>): string[] {
  return Object.values(secrets).flatMap((value) =>
    typeof value === 'string' ? withUrlForms(value) : value && typeof value === 'object' ? secretStrings(value as Record<string, unknown>) : [],
  );
}

/** A secret and the forms it takes in a URL (a key sent in the query string, Google AI Studio's `?key=`). */
function withUrlForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
  return [...forms];
}

export function redactSecrets(text: string, secrets: Record<string, unknown>): string {
  let result = text;
  const windows = new Set<string>();
  for (const secret of secretStrings(secrets)) {
    if (secret.length < FRAGMENT) {
      if (secret.length > 0) result = result.split(secret).join(REDACTED);
      continue;
    }
    for (let i = 0; i + FRAGMENT <= secret.length; i++) windows.add(secret.slice(i, i + FRAGMENT));
  }
  if (windows.size > 0) {
    const covered = new Array<boolean>(result.length).fill(false);
    for (let i = 0; i + FRAGMENT <= result.length; i++) {
      if (windows.has(result.slice(i, i + FRAGMENT))) covered.fill(true, i, i + FRAGMENT);
    }
    let out = '';
    for (let i = 0; i < result.length; i++) {
      if (!covered[i]) out += result[i];
      else if (i === 0 || !covered[i - 1]) out += REDACTED;
    }
    result = out;
  }
  for (const shape of KEY_SHAPES) result = result.replace(shape, REDACTED);
  return result;
}
