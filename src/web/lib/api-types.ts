// Shapes of the Guildhall API (/api/v1) that the web UI reads. The API's zod schemas and OpenAPI
// document are the source of truth; these mirror the parts the pages use.
import type { Locale } from './i18n.ts';

/** The signed-in account, as returned by `GET /api/v1/me`. */
export interface Me {
  id: string;
  email: string;
  emailVerified: boolean;
  displayName: string;
  handle: string;
  /** Markdown source. */
  bio: string;
  /** Sanitized HTML rendered from `bio` by the API. */
  bioHtml: string;
  city: string | null;
  /** ISO 3166-1 alpha-2 code. */
  country: string | null;
  /** IANA time zone name. */
  timeZone: string;
  language: Locale;
  tags: string[];
  isAdmin: boolean;
  createdAt: string;
}

/** One signed-in device, from `GET /api/v1/me/sessions`. */
export interface SessionInfo {
  id: string;
  current: boolean;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  ipAddress: string | null;
  userAgent: string | null;
}

export type TokenScope = 'read' | 'write';

/** A personal API token (never its secret), from `GET /api/v1/me/tokens`. */
export interface ApiToken {
  id: string;
  name: string;
  scope: TokenScope;
  /** The first characters of the secret, to recognize it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** `POST /api/v1/me/tokens` answer: the secret is shown once. */
export interface CreatedToken {
  token: ApiToken;
  secret: string;
}

/** RFC 9457 problem details, as every API error is shaped. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

export interface ItemList<T> {
  items: T[];
}
