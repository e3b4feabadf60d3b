// The board's wire shapes as the UI reads them (see the API's Post and PostComment schemas).

export const POST_KINDS = ['help', 'job', 'announcement', 'discussion', 'kudos'] as const;
export type PostKind = (typeof POST_KINDS)[number];

export const REACTIONS = ['thumbs_up', 'heart', 'celebrate', 'insightful', 'thanks'] as const;
export type Reaction = (typeof REACTIONS)[number];

/** The emoji shown for a reaction (its name is the accessible label). */
export const REACTION_EMOJI: Record<Reaction, string> = {
  thumbs_up: '👍',
  heart: '❤️',
  celebrate: '🎉',
  insightful: '💡',
  thanks: '🙏'
};

export interface ReactionCount {
  reaction: Reaction;
  count: number;
  mine: boolean;
}

export interface BoardAuthor {
  id: string;
  displayName: string;
  handle: string;
  /** Only for fellow active members of the post's group. */
  openToWork?: boolean;
}

export interface Post {
  id: string;
  groupId: string;
  group: { slug: string; name: string };
  kind: PostKind;
  title: string;
  body: string;
  bodyHtml: string;
  link: {
    url: string;
    status: 'pending' | 'ok' | 'failed';
    title: string | null;
    description: string | null;
  } | null;
  status: 'visible' | 'hidden' | 'removed';
  solvedAt: string | null;
  pinnedAt: string | null;
  expiresAt: string | null;
  expired: boolean;
  commentCount: number;
  createdAt: string;
  editedAt: string | null;
  author: BoardAuthor | null;
  reactions: ReactionCount[];
  viewer: {
    isAuthor: boolean;
    canEdit: boolean;
    canDelete: boolean;
    canSolve: boolean;
    canPin: boolean;
    canComment: boolean;
    canReact: boolean;
    canReport: boolean;
  };
}

export interface PostList {
  items: Post[];
  nextCursor: string | null;
}

export interface PostComment {
  id: string;
  postId: string;
  parentId: string | null;
  status: 'visible' | 'hidden' | 'removed';
  body: string;
  bodyHtml: string;
  author: BoardAuthor | null;
  createdAt: string;
  editedAt: string | null;
  reactions: ReactionCount[];
  viewer: {
    isAuthor: boolean;
    canEdit: boolean;
    canDelete: boolean;
    canReply: boolean;
    canReact: boolean;
    canReport: boolean;
  };
}

export interface CommentList {
  items: PostComment[];
  nextCursor: string | null;
}

/** The API path of a group's board. */
export function boardPath(slug: string): `/groups/${string}/posts` {
  return `/groups/${encodeURIComponent(slug)}/posts`;
}

/** The API path of a post. */
export function postPath(id: string): `/posts/${string}` {
  return `/posts/${encodeURIComponent(id)}`;
}

/** The report page for a post or a comment (helper D's page). */
export function reportHref(subject: 'post' | 'comment', id: string): string {
  return `/report?subject=${subject}:${encodeURIComponent(id)}`;
}

/** Whether `value` is a post kind. */
export function isPostKind(value: string | null): value is PostKind {
  return POST_KINDS.some((k) => k === value);
}

/** Whether `value` is a reaction. */
export function isReaction(value: string | null): value is Reaction {
  return REACTIONS.some((r) => r === value);
}
