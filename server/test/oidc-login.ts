/** The identity a test types into the demo provider's login form. */
export interface DemoLoginIdentity {
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD */
  birthdate: string;
  email?: string;
}

/**
 * Runs the demo identity provider's login by HTTP, as a browser would: follows the redirects from
 * the authorization URL (carrying the provider's cookies), fills in and posts the login form, and
 * follows on until a redirect leaves the provider. Returns that last address: the callback URL,
 * with `code` (or `error`, when `cancel` presses the form's Cancel button), `state` and `iss`.
 */
export async function completeDemoLogin(
  authorizationUrl: string | URL,
  identity: DemoLoginIdentity,
  opts: { cancel?: boolean } = {},
): Promise<URL> {
  let url = new URL(authorizationUrl);
  // Everything under the authorization endpoint's folder is the provider's (e.g. /demo-idp/).
  const provider = new URL('.', url).href;
  const jar = new Map<string, string>();
  let request: { method: 'GET' | 'POST'; body?: URLSearchParams } = { method: 'GET' };
  let submitted = false;

  for (let step = 0; step < 12; step++) {
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (request.body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method: request.method, body: request.body, headers, redirect: 'manual' });
    keepCookies(jar, res);

    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location !== null) {
      await res.body?.cancel();
      const next = new URL(location, url);
      if (!next.href.startsWith(provider)) return next;
      url = next;
      request = { method: 'GET' };
      continue;
    }
    const html = await res.text();
    const action = /<form\b[^>]*\baction="([^"]*)"/.exec(html)?.[1];
    if (res.status !== 200 || submitted || action === undefined) {
      throw new Error(`demo login: ${request.method} ${url.pathname} answered ${res.status}: ${html.slice(0, 500)}`);
    }
    const form = new URLSearchParams({
      given_name: identity.givenName,
      family_name: identity.familyName,
      birthdate: identity.birthdate,
      email: identity.email ?? '',
      choice: opts.cancel ? 'cancel' : 'continue',
    });
    url = new URL(action.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&'), url);
    request = { method: 'POST', body: form };
    submitted = true;
  }
  throw new Error('demo login: too many redirects');
}

/** A jar by name only: one login, one provider, so paths and domains never tell two cookies apart. */
function keepCookies(jar: Map<string, string>, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => {
      const [key = '', v = ''] = a.split('=').map((s) => s.trim());
      if (key.toLowerCase() === 'max-age') return Number(v) <= 0;
      if (key.toLowerCase() === 'expires') return Date.parse(v) <= Date.now();
      return false;
    });
    if (expired || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}
