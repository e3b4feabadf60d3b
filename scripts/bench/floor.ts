// The floors of `npm run bench`, in a process of its own: a bare Fastify route returning 20 rows
// from SQLite — the least any HTTP + database stack can do for a list — and a bare PUT that
// parses a JSON answer and writes one row, which the RSVP storm is set against. Reads the given
// database file (read-only), or an in-memory one with 1,000 made-up groups when none is given
// (PostgreSQL runs); writes go to memory. Prints the port it listens on, then serves until killed.
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';

const file = process.argv[2];
const sqlite = file ? new SQLite(file, { readonly: true }) : new SQLite(':memory:');
if (!file) {
  sqlite.exec(
    'create table groups (id text primary key, slug text, name text, city text, member_count integer)'
  );
  const insert = sqlite.prepare('insert into groups values (?, ?, ?, ?, ?)');
  for (let i = 0; i < 1000; i++) insert.run(`g${i}`, `group-${i}`, `Group ${i}`, 'Berlin', i);
}
const statement = sqlite.prepare(
  'select id, slug, name, city, member_count from groups order by id limit 20'
);
const scratch = new SQLite(':memory:');
scratch.exec('create table answers (user_id text primary key, status text not null)');
const answer = scratch.prepare(
  'insert into answers (user_id, status) values (?, ?) on conflict (user_id) do update set status = excluded.status'
);
const app = Fastify();
app.get('/floor', () => statement.all());
app.put<{ Params: { user: string }; Body: { status?: unknown } }>('/floor/answers/:user', (req) => {
  const status = req.body.status === 'going' ? 'going' : 'not_going';
  answer.run(req.params.user, status);
  return { user: req.params.user, status };
});
// The same accept queue as Guildhall's (src/cli/start.ts): a storm's connections all arrive at once.
await app.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
const address = app.server.address();
console.log(typeof address === 'object' && address ? address.port : 0);
