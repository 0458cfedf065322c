import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type {} from '@fastify/multipart';
import { z } from 'zod';
import { idOf } from '#contracts/common.js';
import { accountImportSchema, createOrganisationBody, inviteUserBody, organisationSchema, updateOrganisationBody, userSchema } from '#contracts/organisations.js';
import { requirePrincipal } from '../../platform/http/auth.js';
import { respond } from '../../platform/http/idempotency.js';
import { receiveFile } from '../../platform/http/upload.js';
import { problemResponses } from '../../platform/http/openapi.js';
import { pageQuery, pageSchema, toPage } from '../../platform/http/pagination.js';
import { applyAccountImport, getAccountImport, previewAccountImport, type AccountImportView, type ImportDeps } from './account-import.js';
import { ACCOUNT_FILE_LIMITS } from './account-file/parse-account-file.js';
import { accountsPolicy } from './accounts.policy.js';
import { createOrganisation, getOrganisation, listOrganisations, setOrganisationStatus, updateOrganisation, type OrganisationView } from './organisations.js';
import { getPerson, invitePerson, listPeople, resendInvitation, setPersonActive, type PersonView } from './people.js';
import { isoTimeOrNull } from '../../platform/http/wire.js';

const iso = isoTimeOrNull;
const presentOrganisation = (o: OrganisationView) => ({ ...o, created_at: iso(o.created_at)! });
const presentPerson = (p: PersonView) => ({ ...p, created_at: iso(p.created_at)! });
const presentImport = (i: AccountImportView) => ({ ...i, created_at: iso(i.created_at)!, applied_at: iso(i.applied_at) });

/** Organisations and contracts, their people, and the account import. */
export function organisationRoutes(deps: ImportDeps): FastifyPluginAsyncZod {
  const tags = ['organisations'];
  const orgParams = z.object({ id: idOf('org') });
  const userParams = z.object({ id: idOf('usr') });
  const importParams = z.object({ id: idOf('org'), importId: idOf('imp') });

  return async (app) => {
    app.get(
      '/api/v1/organisations',
      {
        config: { policy: accountsPolicy.listOrganisations },
        schema: { tags, summary: 'Client organisations', querystring: pageQuery.extend({ query: z.string().trim().max(200).optional() }), response: { 200: pageSchema(organisationSchema), ...problemResponses(400, 401, 403) } },
      },
      async (request) => {
        const page = toPage(await listOrganisations(deps, requirePrincipal(request), request.query), request.query.limit);
        return { data: page.data.map(presentOrganisation), next_cursor: page.next_cursor };
      },
    );

    app.post(
      '/api/v1/organisations',
      {
        config: { policy: accountsPolicy.manageOrganisations, idempotent: true },
        schema: { tags, summary: 'Create a client organisation with its contract', body: createOrganisationBody, response: { 201: organisationSchema, ...problemResponses(400, 401, 403, 409) } },
      },
      async (request, reply) => {
        const answer = respond(request, reply, 201, presentOrganisation);
        return answer.send(await createOrganisation(deps, requirePrincipal(request), request.body, request.ip, answer.within));
      },
    );

    app.get(
      '/api/v1/organisations/:id',
      { config: { policy: accountsPolicy.readOrganisation }, schema: { tags, summary: 'An organisation and its contract', params: orgParams, response: { 200: organisationSchema, ...problemResponses(401, 403, 404) } } },
      async (request) => presentOrganisation(await getOrganisation(deps, requirePrincipal(request), request.params.id)),
    );

    app.patch(
      '/api/v1/organisations/:id',
      {
        config: { policy: accountsPolicy.manageOrganisations },
        schema: { tags, summary: 'Rename an organisation or edit its contract', params: orgParams, body: updateOrganisationBody, response: { 200: organisationSchema, ...problemResponses(400, 401, 403, 404, 409, 422) } },
      },
      async (request) => presentOrganisation(await updateOrganisation(deps, requirePrincipal(request), request.params.id, request.body, request.ip)),
    );

    for (const [action, status] of [['suspend', 'suspended'], ['reactivate', 'active']] as const) {
      app.post(
        `/api/v1/organisations/:id/${action}`,
        {
          config: { policy: accountsPolicy.manageOrganisations },
          schema: { tags, summary: action === 'suspend' ? 'Suspend an organisation: its people are signed out and kept out' : 'Reactivate a suspended organisation', params: orgParams, response: { 200: organisationSchema, ...problemResponses(401, 403, 404, 422) } },
        },
        async (request) => presentOrganisation(await setOrganisationStatus(deps, requirePrincipal(request), request.params.id, status, request.ip)),
      );
    }

    app.get(
      '/api/v1/users',
      {
        config: { policy: accountsPolicy.listPeople },
        schema: {
          tags,
          summary: 'People of an organisation (a client administrator: their own)',
          querystring: pageQuery.extend({ organisation: idOf('org').optional(), status: z.enum(['invited', 'active', 'deactivated']).optional() }),
          response: { 200: pageSchema(userSchema), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const page = toPage(await listPeople(deps, requirePrincipal(request), request.query), request.query.limit);
        return { data: page.data.map(presentPerson), next_cursor: page.next_cursor };
      },
    );

    app.post(
      '/api/v1/users',
      {
        config: { policy: accountsPolicy.managePeople, idempotent: true },
        schema: { tags, summary: 'Invite someone (an activation e-mail is sent)', body: inviteUserBody, response: { 201: userSchema, ...problemResponses(400, 401, 403, 404, 409, 422) } },
      },
      async (request, reply) => {
        const answer = respond(request, reply, 201, presentPerson);
        return answer.send(await invitePerson(deps, requirePrincipal(request), request.body, request.ip, answer.within));
      },
    );

    app.get(
      '/api/v1/users/:id',
      { config: { policy: accountsPolicy.listPeople }, schema: { tags, summary: 'One person', params: userParams, response: { 200: userSchema, ...problemResponses(401, 403, 404) } } },
      async (request) => presentPerson(await getPerson(deps, requirePrincipal(request), request.params.id)),
    );

    for (const [action, active] of [['deactivate', false], ['reactivate', true]] as const) {
      app.post(
        `/api/v1/users/:id/${action}`,
        {
          config: { policy: accountsPolicy.managePeople },
          schema: { tags, summary: active ? 'Reactivate someone' : 'Deactivate someone: their sessions and API keys stop at once', params: userParams, response: { 200: userSchema, ...problemResponses(401, 403, 404, 422) } },
        },
        async (request) => presentPerson(await setPersonActive(deps, requirePrincipal(request), request.params.id, active, request.ip)),
      );
    }

    app.post(
      '/api/v1/users/:id/resend-invitation',
      { config: { policy: accountsPolicy.managePeople }, schema: { tags, summary: 'Send a new activation link', params: userParams, response: { 202: z.object({ status: z.literal('accepted') }), ...problemResponses(401, 403, 404, 409) } } },
      async (request, reply) => {
        await resendInvitation(deps, requirePrincipal(request), request.params.id, request.ip);
        return reply.code(202).send({ status: 'accepted' as const });
      },
    );

    app.post(
      '/api/v1/organisations/:id/account-imports',
      {
        config: { policy: accountsPolicy.importAccounts },
        schema: {
          tags,
          summary: 'Upload the client’s file of people (CSV or XLSX): a preview, nothing written yet',
          consumes: ['multipart/form-data'],
          params: orgParams,
          response: { 201: accountImportSchema, ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const file = await receiveFile(request, ACCOUNT_FILE_LIMITS.maxBytes);
        // Small by rule (5 MB), and the parser needs it whole; the parser refuses what is over.
        const bytes = await file.toBuffer();
        const view = await previewAccountImport(deps, requirePrincipal(request), request.params.id, { filename: file.filename || 'accounts', bytes }, request.ip);
        return reply.code(201).send(presentImport(view));
      },
    );

    app.get(
      '/api/v1/organisations/:id/account-imports/:importId',
      { config: { policy: accountsPolicy.importAccounts }, schema: { tags, summary: 'An account import and its rows', params: importParams, response: { 200: accountImportSchema, ...problemResponses(401, 403, 404) } } },
      async (request) => presentImport(await getAccountImport(deps, requirePrincipal(request), request.params.id, request.params.importId)),
    );

    app.post(
      '/api/v1/organisations/:id/account-imports/:importId/apply',
      { config: { policy: accountsPolicy.importAccounts }, schema: { tags, summary: 'Create the accounts the preview announced and send their invitations', params: importParams, response: { 200: accountImportSchema, ...problemResponses(401, 403, 404, 422) } } },
      async (request) => presentImport(await applyAccountImport(deps, requirePrincipal(request), request.params.id, request.params.importId, request.ip)),
    );
  };
}
