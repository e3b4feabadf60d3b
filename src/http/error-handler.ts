import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiTranslator, negotiateLocale } from '../i18n/i18n.ts';
import { type FieldError, Problem, type ProblemKind, problemType } from './problem.ts';

// Validation messages are i18n keys (under `validation.`), localized when the response is written.
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
    return undefined;
  }
});

const PROBLEM_KEY: Record<ProblemKind, string> = {
  validation: 'validation',
  'bad-request': 'badRequest',
  'invalid-json': 'invalidJson',
  'unsupported-media-type': 'unsupportedMediaType',
  'payload-too-large': 'payloadTooLarge',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  'read-only-token': 'readOnlyToken',
  'session-required': 'sessionRequired',
  csrf: 'csrf',
  'not-found': 'notFound',
  'method-not-allowed': 'methodNotAllowed',
  conflict: 'conflict',
  'rate-limited': 'rateLimited',
  'invalid-credentials': 'invalidCredentials',
  'email-not-verified': 'emailNotVerified',
  internal: 'internal',
  unavailable: 'unavailable'
};

interface ZodIssueLike {
  keyword: string;
  instancePath: string;
  message?: string | undefined;
  params: Record<string, unknown>;
}

/** Turns one zod issue (as fastify-type-provider-zod reports it) into field errors. */
export function fieldErrorsFromIssue(issue: ZodIssueLike): FieldError[] {
  const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const p = issue.params;
  const msg = issue.message ?? '';
  if (issue.keyword === 'unrecognized_keys') {
    const keys = Array.isArray(p.keys) ? (p.keys as string[]) : [];
    return keys.map((k) => ({ field: field ? `${field}.${k}` : k, message: 'unknownField' }));
  }
  if (msg === 'required' || /^[a-z][A-Za-z]+$/.test(msg))
    return [{ field, message: msg, params: p }];
  switch (issue.keyword) {
    case 'invalid_type':
      return [{ field, message: 'invalidType', params: { expected: p.expected } }];
    case 'too_small':
      if (p.origin === 'string') {
        return [{ field, message: p.minimum === 1 ? 'notEmpty' : 'tooShortString', params: p }];
      }
      return [
        { field, message: p.origin === 'array' ? 'tooFewItems' : 'tooSmallNumber', params: p }
      ];
    case 'too_big':
      if (p.origin === 'string') return [{ field, message: 'tooLongString', params: p }];
      return [
        { field, message: p.origin === 'array' ? 'tooManyItems' : 'tooBigNumber', params: p }
      ];
    case 'invalid_format':
      if (p.format === 'email') return [{ field, message: 'invalidEmail' }];
      if (p.format === 'url') return [{ field, message: 'invalidUrl' }];
      return [{ field, message: 'invalidFormat' }];
    case 'invalid_value':
      return [
        { field, message: 'invalidValue', params: { values: (p.values as unknown[]).join(', ') } }
      ];
    default:
      return [{ field, message: 'invalid' }];
  }
}

/** Localizes one field error's message. */
function localizeField(
  error: FieldError,
  t: ReturnType<typeof apiTranslator>
): { field: string; message: string } {
  const params = { ...(error.params ?? {}) };
  if (typeof params.expected === 'string') {
    params.expected = t(`validation.type.${params.expected}`, { defaultValue: params.expected });
  }
  const message = t(`validation.${error.message}`, { ...params, defaultValue: error.message });
  return { field: error.field, message };
}

/** Writes `problem` as `application/problem+json` in the request's language. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Problem
): FastifyReply {
  const t = apiTranslator(negotiateLocale(request.headers['accept-language']));
  const key = PROBLEM_KEY[problem.kind];
  const params = { requestId: request.id, ...problem.params };
  const body: Record<string, unknown> = {
    type: problemType(problem.kind),
    title: t(`problem.${key}.title`),
    status: problem.status,
    detail: t(`problem.${key}.${problem.detail ?? 'detail'}`, params),
    instance: request.url.split('?')[0]
  };
  if (problem.errors.length > 0) body.errors = problem.errors.map((e) => localizeField(e, t));
  return reply
    .code(problem.status)
    .headers(problem.headers)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(body);
}

const FASTIFY_CODES: Record<string, ProblemKind> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid-json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large'
};

/** Every error leaves the server as problem+json; only unexpected ones are logged as errors. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof Problem) return sendProblem(request, reply, error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.flatMap((issue) => fieldErrorsFromIssue(issue));
      return sendProblem(request, reply, new Problem('validation', { errors }));
    }
    const mapped = FASTIFY_CODES[error.code];
    if (mapped) return sendProblem(request, reply, new Problem(mapped));
    if (error.statusCode === 429) {
      const retryAfter = String(reply.getHeader('retry-after') ?? '60');
      return sendProblem(
        request,
        reply,
        new Problem('rate-limited', {
          params: { seconds: retryAfter },
          headers: { 'retry-after': retryAfter }
        })
      );
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      request.log.info({ err: error }, 'client error');
      return sendProblem(request, reply, new Problem('bad-request'));
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendProblem(request, reply, new Problem('internal'));
  });
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, new Problem('not-found')));
}
