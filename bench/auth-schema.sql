-- An auth service's database, for the benchmark: psql -v users=200000 -f bench/auth-schema.sql
-- About 1.4 KB of dump text per user: the user row, two sessions and three audit events.
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  display_name text,
  profile jsonb,
  created_at timestamptz NOT NULL,
  last_login_at timestamptz
);
CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  token_hash text NOT NULL,
  user_agent text,
  ip inet,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE audit_events (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  event text NOT NULL,
  detail jsonb,
  at timestamptz NOT NULL
);
CREATE INDEX audit_events_user_at ON audit_events (user_id, at);

INSERT INTO users
SELECT g, 'user' || g || '@example.com',
       '$2b$12$' || substr(md5(g::text) || md5((g + 1)::text), 1, 53),
       'User ' || md5(g::text || 'n'),
       jsonb_build_object('plan', (ARRAY['free', 'pro', 'team'])[g % 3 + 1], 'locale', 'en-GB',
                          'tags', ARRAY['t' || g % 17, 't' || g % 29], 'bio', md5(g::text || 'b') || md5(g::text || 'c'),
                          'mfa', g % 4 = 0),
       timestamptz '2024-01-01' + g * interval '37 seconds',
       timestamptz '2026-01-01' + g * interval '11 seconds'
FROM generate_series(1, :users) g;

INSERT INTO sessions
SELECT md5(u::text || '-' || s)::uuid, u, md5(u::text || 's' || s) || md5(u::text || 't' || s),
       'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/' || (100 + u % 30) || '.0.' || u % 9999 || '.0 Safari/537.36',
       ('10.' || u % 250 || '.' || s || '.' || u % 200)::inet,
       timestamptz '2026-01-01' + u * interval '7 seconds', timestamptz '2026-02-01' + u * interval '7 seconds'
FROM generate_series(1, :users) u, generate_series(1, 2) s;

INSERT INTO audit_events
SELECT (u - 1) * 3 + e, u, (ARRAY['login', 'password_change', 'token_refresh'])[e],
       jsonb_build_object('ip', '10.0.' || u % 250 || '.' || e, 'ok', u % 11 <> 0, 'request', md5(u::text || 'r' || e)),
       timestamptz '2026-01-01' + (u * 3 + e) * interval '3 seconds'
FROM generate_series(1, :users) u, generate_series(1, 3) e;
VACUUM ANALYZE;
