import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

/**
 * Kit's route announcer (a visually hidden live region it adds after hydration) carries an inline
 * `style` attribute. Rather than allowing inline styles, the CSP allows exactly that one by hash;
 * it is read from Kit's source so an upgrade cannot silently break it (e2e tests fail on any CSP
 * violation in the console).
 */
function announcerStyleHashes(): `sha256-${string}`[] {
  const source = readFileSync(
    'node_modules/@sveltejs/kit/src/runtime/components/root.svelte',
    'utf8'
  );
  const style = /id="svelte-announcer"[^>]*?style="([^"]+)"/.exec(source)?.[1];
  if (!style) {
    console.warn(
      'vite.config.ts: Kit route announcer style not found; its inline style will be blocked'
    );
    return [];
  }
  return [`sha256-${createHash('sha256').update(style).digest('base64')}`];
}

// The web UI: SvelteKit 3 (options live here, not in svelte.config.js), built by adapter-node into
// build/ and mounted inside the Fastify server by src/http/web-mount.ts.
export default defineConfig({
  plugins: [
    sveltekit({
      // envPrefix keeps adapter-node's settings (PROTOCOL_HEADER, ADDRESS_HEADER, …) apart from ours;
      // web-mount.ts sets GUILDHALL_WEB_PROTOCOL_HEADER and GUILDHALL_WEB_ADDRESS_HEADER.
      adapter: adapter({ out: 'build', envPrefix: 'GUILDHALL_WEB_' }),
      files: { src: 'src/web', assets: 'src/web/static' },
      csp: {
        mode: 'nonce',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          'style-src': ['self', 'unsafe-hashes', ...announcerStyleHashes()],
          'img-src': ['self', 'data:'],
          'font-src': ['self'],
          'connect-src': ['self'],
          'object-src': ['none'],
          'base-uri': ['self'],
          'form-action': ['self'],
          'frame-ancestors': ['none'],
          'frame-src': ['none'],
          'worker-src': ['self'],
          'manifest-src': ['self']
        }
      }
    })
  ]
});
