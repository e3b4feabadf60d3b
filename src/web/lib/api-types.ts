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

export type GroupKind = 'meetup' | 'practice';
export type GroupVisibility = 'public' | 'private' | 'hidden';
export type JoinPolicy = 'open' | 'approval' | 'invitation';
export type GroupRole = 'owner' | 'organizer' | 'host' | 'member';
export type MembershipStatus = 'pending' | 'active' | 'banned';

/** A group in a list, from `GET /api/v1/groups`. Private groups hide their details from outsiders. */
export interface GroupSummary {
  id: string;
  slug: string;
  name: string;
  kind: GroupKind;
  description: string;
  visibility: GroupVisibility;
  joinPolicy: JoinPolicy;
  tags: string[];
  city: string | null;
  country: string | null;
  onlineOnly: boolean;
  memberCount: number | null;
  distanceKm: number | null;
}

/** `GET /api/v1/groups` answer. */
export interface GroupPage {
  items: GroupSummary[];
  nextCursor: string | null;
}

/** One of the caller's groups, from `GET /api/v1/me/groups`. */
export interface MyGroup extends GroupSummary {
  role: GroupRole;
  status: 'active' | 'pending';
}

/** A group, from `GET /api/v1/groups/:slug`. */
export interface Group {
  id: string;
  slug: string;
  name: string;
  kind: GroupKind;
  /** Markdown source. */
  description: string;
  /** Sanitized HTML rendered from `description` by the API. */
  descriptionHtml: string;
  visibility: GroupVisibility;
  joinPolicy: JoinPolicy;
  joinQuestions: string[];
  viewer: {
    role: GroupRole | null;
    status: MembershipStatus | null;
    canJoin: boolean;
    canManage: boolean;
  };
  /** null for people who may see no more than the name (private groups). */
  details: {
    tags: string[];
    city: string | null;
    country: string | null;
    latitude: number | null;
    longitude: number | null;
    onlineOnly: boolean;
    timeZone: string;
    websiteUrl: string | null;
    chatUrl: string | null;
    codeOfConductUrl: string | null;
    memberCount: number;
    organizers: { userId: string; displayName: string; handle: string; role: GroupRole }[];
    createdAt: string;
  } | null;
}

/** A member of a group (directory and join requests). */
export interface Member {
  userId: string;
  displayName: string;
  handle: string;
  tags: string[];
  city: string | null;
  role: GroupRole;
  status: MembershipStatus;
  /** Answers to the join questions; organizers only. */
  answers: string[];
  joinedAt: string;
}
