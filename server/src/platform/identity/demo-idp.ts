import { createHash, generateKeyPair, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import type { FastifyPluginAsync } from 'fastify';
import type {
  Adapter,
  AdapterFactory,
  AdapterPayload,
  ClientMetadata,
  Configuration,
  Interaction,
  JWK,
  JWKS,
} from 'oidc-provider';
import type * as oidcProvider from 'oidc-provider';

/**
 * A demo OpenID provider, in-process, for the embedded set-up and the tests: the person types a
 * name and a birth date and is "identified" at FranceConnect+'s substantial level (acr eidas2).
 * It proves nothing about anyone; a real set-up points the OIDC adapter at FranceConnect+.
 */
export interface DemoClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
}

export interface DemoIdentityProviderOptions {
  /** e.g. http://localhost:3000/demo-idp: the path is where the handler is mounted. */
  issuer: string;
  clients: DemoClient[];
  /** Private signing keys; generated (RS256) when absent. */
  keys?: JWKS;
  /** Trust X-Forwarded-Proto/Host (behind a TLS-terminating proxy). */
  proxy?: boolean;
  /** Errors the provider could not answer well (500s); never carries secrets. */
  onError?: (err: unknown) => void;
}

export interface DemoIdentityProvider {
  /** The issuer's path ('' at an origin's root): every request under it belongs to the handler. */
  readonly pathPrefix: string;
  /** Takes requests with their full path (the prefix included, nothing stripped). */
  handler(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

export const DEMO_ACR = 'eidas2';
const SCOPES = ['openid', 'profile', 'email', 'birthdate'];
const TTL_SECONDS = 10 * 60;
const MAX_FORM_BYTES = 16 * 1024;
const MAX_PEOPLE = 10_000;
const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)$/;

type OidcProviderModule = typeof oidcProvider;
let loading: Promise<OidcProviderModule> | undefined;

/**
 * oidc-provider warns on import that Node 20 is unsupported (it wants 22); it runs on the Node 20
 * versions Pli promises (URL.parse and crypto.hash are there since 20.18), so that one line is
 * kept out of every start's output. Loaded once, so concurrent callers never stack the filter.
 */
function loadOidcProvider(): Promise<OidcProviderModule> {
  loading ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
      warn.apply(console, args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return loading;
}

interface DemoPerson {
  given_name: string;
  family_name: string;
  birthdate: string;
  email?: string;
}

export async function createDemoIdentityProvider(opts: DemoIdentityProviderOptions): Promise<DemoIdentityProvider> {
  const { default: Provider, errors } = await loadOidcProvider();
  const pathPrefix = new URL(opts.issuer).pathname.replace(/\/+$/, '');
  const people = new Map<string, DemoPerson>();
  const storage = memoryAdapter();

  const configuration: Configuration = {
    // Our own, not oidc-provider's default one, which warns at every start that it is not for production.
    adapter: storage.factory,
    // default_acr_values: the level is in every ID token, asked for or not, as at FranceConnect+.
    clients: opts.clients.map(
      (c): ClientMetadata => ({ ...c, grant_types: ['authorization_code'], response_types: ['code'], default_acr_values: [DEMO_ACR] }),
    ),
    jwks: opts.keys ?? (await signingKeys()),
    // Signs the provider's cookies; a restart forgets every demo session anyway.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid'],
    claims: {
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
      openid: ['sub'],
      profile: ['given_name', 'family_name'],
      email: ['email'],
      birthdate: ['birthdate'],
    },
    acrValues: [DEMO_ACR],
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: false } },
    pkce: { required: () => true },
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: TTL_SECONDS,
      AuthorizationCode: 60,
      IdToken: TTL_SECONDS,
      Interaction: TTL_SECONDS,
      Session: TTL_SECONDS,
      Grant: TTL_SECONDS,
    },
    // The default is the issuer-less '/interaction/:uid', which misses the mount path.
    interactions: { url: (_ctx, interaction) => `${pathPrefix}/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const person = people.get(sub);
      return person && { accountId: sub, claims: () => ({ sub, ...person }) };
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(String(out.error), typeof out.error_description === 'string' ? out.error_description : undefined);
    },
  };
  const provider = new Provider(opts.issuer, configuration);
  if (opts.proxy) provider.proxy = true;
  provider.on('server_error', (_ctx: unknown, err: unknown) => opts.onError?.(err));
  const callback = provider.callback();

  async function grantFor(details: Interaction, accountId: string): Promise<string> {
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    const requested = typeof details.params.scope === 'string' ? details.params.scope.split(' ') : [];
    grant.addOIDCScope(requested.filter((s) => SCOPES.includes(s)));
    const claims = details.prompt.details.missingOIDCClaims;
    if (Array.isArray(claims)) grant.addOIDCClaims(claims.map(String));
    return grant.save();
  }

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new errors.SessionNotFound('interaction cookie for another interaction');
    const action = `${pathPrefix}/interaction/${uid}`;
    const client = String(details.params.client_id);

    if (details.prompt.name !== 'login') {
      // Consent alone (a session already there): granted without asking, it is a demo.
      const accountId = details.session?.accountId;
      if (accountId === undefined) throw new errors.SessionNotFound('consent without a session');
      await provider.interactionFinished(req, res, { consent: { grantId: await grantFor(details, accountId) } }, { mergeWithLastSubmission: true });
      return;
    }
    if (req.method === 'GET') return send(res, 200, loginPage(action, client));
    if (req.method !== 'POST') return send(res, 405, errorPage('method_not_allowed'));

    const form = await readForm(req);
    if (form.get('choice') === 'cancel') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the person declined the identity check' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const { person, problems } = validate(form);
    if (!person) return send(res, 400, loginPage(action, client, form, problems));
    const accountId = subjectOf(person);
    // Read back within minutes (token, userinfo); the oldest go first so a long-running demo stays small.
    people.delete(accountId);
    if (people.size >= MAX_PEOPLE) people.delete(people.keys().next().value ?? '');
    people.set(accountId, person);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId, acr: DEMO_ACR }, consent: { grantId: await grantFor(details, accountId) } },
      { mergeWithLastSubmission: false },
    );
  }

  function failed(res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof errors.SessionNotFound) return send(res, 400, errorPage('expired'));
    if (err instanceof FormRefused) return send(res, err.status, errorPage('bad_form'));
    opts.onError?.(err);
    send(res, 500, errorPage('server_error'));
  }

  return {
    pathPrefix,
    handler(req, res) {
      const url = req.url ?? '/';
      const path = url.split('?')[0] ?? '';
      if (path !== pathPrefix && !path.startsWith(`${pathPrefix}/`)) return send(res, 404, errorPage('not_found'));
      const rest = url.slice(pathPrefix.length) || '/';
      const uid = INTERACTION_PATH.exec(rest.split('?')[0] ?? '')?.[1];
      if (uid !== undefined) {
        interaction(req, res, uid).catch((err: unknown) => failed(res, err));
        return;
      }
      // Mounted the way connect/express mount it: oidc-provider routes on the path below the mount
      // point and finds the mount point again (for the URLs it hands out) from originalUrl.
      Object.assign(req, { originalUrl: url });
      req.url = rest;
      void callback(req, res);
    },
    async close() {
      storage.clear();
      people.clear();
    },
  };
}

/**
 * Fastify routes for the demo provider under its path prefix. The provider reads its own request
 * bodies (token endpoint, login form), so this scope parses none; and the reply is hijacked, so
 * the headers hooks put on it (security headers) are handed over to the raw response.
 */
export function demoIdentityProviderRoutes(idp: DemoIdentityProvider): FastifyPluginAsync {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));
    // Hidden: the provider's protocol endpoints are no part of Pli's API document.
    app.all(`${idp.pathPrefix}/*`, { schema: { hide: true } }, (request, reply) => {
      reply.hijack();
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) reply.raw.setHeader(name, value);
      }
      idp.handler(request.raw, reply.raw);
    });
  };
}

// --- the person ----------------------------------------------------------------------------------

/** Stable per identity typed, whatever the spacing or case: the same person is the same subject. */
function subjectOf(person: DemoPerson): string {
  const key = [person.given_name, person.family_name].map((s) => s.normalize('NFC').toLocaleLowerCase('fr'));
  return createHash('sha256').update(`${key.join('\n')}\n${person.birthdate}`).digest('hex');
}

type Field = 'given_name' | 'family_name' | 'birthdate' | 'email';

const NAME = /^[^\p{Cc}]{1,100}$/u;

function validate(form: URLSearchParams): { person?: DemoPerson; problems: Set<Field> } {
  const problems = new Set<Field>();
  const text = (name: Field) => (form.get(name) ?? '').trim().replace(/\s+/g, ' ');
  const person: DemoPerson = { given_name: text('given_name'), family_name: text('family_name'), birthdate: text('birthdate') };
  if (!NAME.test(person.given_name)) problems.add('given_name');
  if (!NAME.test(person.family_name)) problems.add('family_name');
  if (!isPastDate(person.birthdate)) problems.add('birthdate');
  const email = text('email');
  if (email !== '') {
    if (email.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(email)) person.email = email;
    else problems.add('email');
  }
  return problems.size === 0 ? { person, problems } : { problems };
}

function isPastDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1900 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && date.getTime() <= Date.now();
}

// --- pages: no scripts, no styles: nothing a host's Content-Security-Policy could block -------

const FIELDS: Array<{ id: Field; label: string; type: string; autocomplete: string; required: boolean; error: string }> = [
  {
    id: 'given_name',
    label: 'Prénom(s) / Given name(s)',
    type: 'text',
    autocomplete: 'given-name',
    required: true,
    error: 'Saisissez le ou les prénoms. / Type the given name(s).',
  },
  {
    id: 'family_name',
    label: 'Nom de famille / Family name',
    type: 'text',
    autocomplete: 'family-name',
    required: true,
    error: 'Saisissez le nom de famille. / Type the family name.',
  },
  {
    id: 'birthdate',
    label: 'Date de naissance / Date of birth',
    type: 'date',
    autocomplete: 'bday',
    required: true,
    error: 'Saisissez une date de naissance passée. / Type a date of birth in the past.',
  },
  {
    id: 'email',
    label: 'Adresse électronique (facultative) / Email address (optional)',
    type: 'email',
    autocomplete: 'email',
    required: false,
    error: 'Cette adresse électronique n’est pas valable. / This email address is not valid.',
  },
];

function loginPage(action: string, client: string, form?: URLSearchParams, problems: Set<Field> = new Set()): string {
  const today = new Date().toISOString().slice(0, 10);
  const fields = FIELDS.map((f) => {
    const invalid = problems.has(f.id);
    const attributes = [
      `id="${f.id}"`,
      `name="${f.id}"`,
      `type="${f.type}"`,
      `autocomplete="${f.autocomplete}"`,
      f.required ? 'required' : '',
      f.type === 'date' ? `min="1900-01-01" max="${today}"` : `maxlength="${f.type === 'email' ? 254 : 100}"`,
      `value="${escapeHtml(form?.get(f.id) ?? '')}"`,
      invalid ? `aria-invalid="true" aria-describedby="${f.id}-error"` : '',
    ].filter(Boolean);
    const error = invalid ? `<br><strong id="${f.id}-error">${f.error}</strong>` : '';
    return `<p><label for="${f.id}">${f.label}</label><br><input ${attributes.join(' ')}>${error}</p>`;
  }).join('\n');
  const alert = problems.size === 0 ? '' : `<p role="alert">Vérifiez les champs signalés. / Check the fields marked.</p>`;
  return page(
    'Vérification d’identité / Identity check',
    `<p>Fournisseur d’identité de démonstration : il ne vérifie rien. / Demo identity provider: it verifies nothing.</p>
<p>Demandé par / Requested by : <strong>${escapeHtml(client)}</strong></p>
${alert}
<form method="post" action="${escapeHtml(action)}">
${fields}
<p><button type="submit" name="choice" value="continue">Continuer / Continue</button>
<button type="submit" name="choice" value="cancel" formnovalidate>Annuler / Cancel</button></p>
</form>`,
  );
}

const ERRORS: Record<string, string> = {
  expired:
    'Cette vérification a expiré ou a déjà été utilisée : revenez au service et recommencez. / This check has expired or was already used: go back to the service and start again.',
  bad_form: 'Le formulaire reçu n’est pas valable. / The form received is not valid.',
  not_found: 'Page introuvable. / Page not found.',
};

function errorPage(code: string, description?: string): string {
  const sentence = ERRORS[code] ?? 'Une erreur est survenue. / Something went wrong.';
  const detail = description === undefined ? '' : `<p><code>${escapeHtml(code)}</code> : ${escapeHtml(description)}</p>`;
  return page('Vérification d’identité / Identity check', `<p role="alert">${sentence}</p>\n${detail}`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<!-- No icon to fetch: browsers would otherwise ask the host for /favicon.ico. -->
<link rel="icon" href="data:,">
<title>${title}</title>
</head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`;
}

function send(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  // Standalone (tests) nobody else sets one; mounted, the host's stands.
  if (!res.hasHeader('content-security-policy')) res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  res.end(html);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

class FormRefused extends Error {
  constructor(readonly status: number) {
    super(`form refused (${status})`);
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) throw new FormRefused(415);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new FormRefused(413);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// --- keys and storage ----------------------------------------------------------------------------

async function signingKeys(): Promise<JWKS> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  return { keys: [{ ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' }] };
}

/** In memory, each entry dropped once expired; swept now and then so a long-running server stays small. */
function memoryAdapter(): { factory: AdapterFactory; clear(): void } {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  let writes = 0;
  const live = (key: string): AdapterPayload | undefined => {
    const entry = store.get(key);
    if (entry && entry.expiresAt <= Date.now()) store.delete(key);
    else return entry?.payload;
    return undefined;
  };
  const firstWhere = (model: string, match: (p: AdapterPayload) => boolean): AdapterPayload | undefined => {
    for (const [key, entry] of store) if (key.startsWith(`${model}:`) && match(entry.payload)) return live(key);
    return undefined;
  };

  const factory = (model: string): Adapter => ({
    async upsert(id, payload, expiresIn) {
      if (++writes % 256 === 0) for (const key of store.keys()) live(key);
      // The clock tolerance oidc-provider allows (15 s) on top, as its own memory adapter does.
      const expiresAt = expiresIn === undefined ? Infinity : Date.now() + (expiresIn + 15) * 1000;
      store.set(`${model}:${id}`, { payload, expiresAt });
    },
    async find(id) {
      return live(`${model}:${id}`);
    },
    async findByUid(uid) {
      return firstWhere(model, (p) => p.uid === uid);
    },
    async findByUserCode(userCode) {
      return firstWhere(model, (p) => p.userCode === userCode);
    },
    async consume(id) {
      const payload = live(`${model}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      store.delete(`${model}:${id}`);
    },
    async revokeByGrantId(grantId) {
      for (const [key, entry] of store) if (entry.payload.grantId === grantId) store.delete(key);
    },
  });
  return { factory, clear: () => store.clear() };
}
