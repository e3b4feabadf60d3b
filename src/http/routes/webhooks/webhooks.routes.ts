import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decodeCreatedCursor, encodeCreatedCursor } from '../../../services/created-cursor.ts';
import { sendTestDelivery } from '../../../services/webhook/webhook-delivery.ts';
import {
  createWebhook,
  deleteWebhook,
  enableWebhook,
  listDeliveries,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook
} from '../../../services/webhook/webhook.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { fieldProblem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import {
  deliveryJson,
  requireWebhookAccess,
  webhookJson,
  webhookProblem
} from './webhook-access.ts';
import {
  createWebhookBody,
  deliveryListQuery,
  updateWebhookBody,
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookListSchema,
  webhookParams,
  webhookSchema,
  webhookWithSecretSchema
} from './webhooks.schema.ts';

const PAGE_SIZE = 20;

/**
 * A group's outgoing webhooks and their delivery log. Everything needs `webhook.manage`
 * (organizers and up, admins); a webhook is a 404 to everyone else.
 */
export const webhookRoutes: FastifyPluginAsyncZod<AppContext> = async (app, context) => {
  const { db, config } = context;
  const tags = ['webhooks'];

  app.get(
    '/groups/:slug/webhooks',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'A group’s webhooks (organizers and up)',
        params: slugParams,
        response: { 200: webhookListSchema, ...problemResponses(401, 403, 404) }
      }
    },
    async (request) => {
      const { group } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'webhook.manage'
      );
      return { items: (await listWebhooks(db, group.id)).map(webhookJson) };
    }
  );

  app.post(
    '/groups/:slug/webhooks',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Create a webhook (organizers and up)',
        description:
          'Answers with the signing secret: the only time it is shown. 400 on url: webhookUrlInvalid; 409 webhookLimit (20 per group).',
        params: slugParams,
        body: createWebhookBody,
        response: { 201: webhookWithSecretSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const { group } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'webhook.manage'
      );
      const { webhook, secret } = await createWebhook(
        db,
        group.id,
        callerOf(request).userId,
        request.body
      ).catch(webhookProblem);
      return reply.code(201).send({ ...webhookJson(webhook), secret });
    }
  );

  app.get(
    '/webhooks/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'One webhook (organizers and up)',
        params: webhookParams,
        response: { 200: webhookSchema, ...problemResponses(401, 404) }
      }
    },
    async (request) => {
      const { webhook } = await requireWebhookAccess(db, request, request.params.id);
      return webhookJson(webhook);
    }
  );

  app.patch(
    '/webhooks/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Edit a webhook (organizers and up)',
        description: 'Only the fields given. 400 on url: webhookUrlInvalid.',
        params: webhookParams,
        body: updateWebhookBody,
        response: { 200: webhookSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request) => {
      const { webhook } = await requireWebhookAccess(db, request, request.params.id);
      return webhookJson(
        await updateWebhook(
          db,
          webhook.id,
          { groupId: webhook.groupId, actorId: callerOf(request).userId },
          request.body
        ).catch(webhookProblem)
      );
    }
  );

  app.delete(
    '/webhooks/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Delete a webhook and its delivery log (organizers and up)',
        params: webhookParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { webhook } = await requireWebhookAccess(db, request, request.params.id);
      await deleteWebhook(db, webhook.id, {
        groupId: webhook.groupId,
        actorId: callerOf(request).userId
      });
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/webhooks/:id/test',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Send a test delivery now (organizers and up)',
        description:
          'POSTs a `webhook.test` body, signed, and answers with the delivery as logged (delivered or failed, one attempt). Works on disabled webhooks too.',
        params: webhookParams,
        response: { 200: webhookDeliverySchema, ...problemResponses(401, 403, 404) }
      }
    },
    async (request) => {
      const { webhook, group } = await requireWebhookAccess(db, request, request.params.id);
      const delivery = await sendTestDelivery(db, webhook, group, {
        baseUrl: config.baseUrl,
        allow: config.outboundAllow
      });
      return deliveryJson(delivery);
    }
  );

  app.post(
    '/webhooks/:id/enable',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Turn a disabled webhook back on (organizers and up)',
        description: 'Resets the failure count; deliveries that waited are due at once.',
        params: webhookParams,
        response: { 200: webhookSchema, ...problemResponses(401, 403, 404) }
      }
    },
    async (request) => {
      const { webhook } = await requireWebhookAccess(db, request, request.params.id);
      return webhookJson(
        await enableWebhook(db, webhook.id, {
          groupId: webhook.groupId,
          actorId: callerOf(request).userId
        })
      );
    }
  );

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Replace the signing secret (organizers and up)',
        description:
          'Answers with the new secret, the only time it is shown; the old one stops at once.',
        params: webhookParams,
        response: { 200: webhookWithSecretSchema, ...problemResponses(401, 403, 404) }
      }
    },
    async (request) => {
      const { webhook } = await requireWebhookAccess(db, request, request.params.id);
      const secret = await rotateWebhookSecret(db, webhook.id, {
        groupId: webhook.groupId,
        actorId: callerOf(request).userId
      });
      return { ...webhookJson(webhook), secret };
    }
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'A webhook’s delivery log, newest first (organizers and up)',
        params: webhookParams,
        querystring: deliveryListQuery,
        response: { 200: webhookDeliveryListSchema, ...problemResponses(400, 401, 404) }
      }
    },
    async (request) => {
      const { webhook } = await requireWebhookAccess(db, request, request.params.id);
      const { cursor: given, limit } = request.query;
      const cursor = given === undefined ? undefined : decodeCreatedCursor(given);
      if (cursor === null) throw fieldProblem('cursor', 'invalid');
      const page = await listDeliveries(db, webhook.id, { cursor, limit: limit ?? PAGE_SIZE });
      return {
        items: page.items.map(deliveryJson),
        nextCursor: page.next ? encodeCreatedCursor(page.next) : null
      };
    }
  );
};
