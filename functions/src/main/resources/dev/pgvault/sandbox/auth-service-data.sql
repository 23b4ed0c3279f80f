-- Rows for auth-service.sql: :users users, each with a few refresh tokens.
INSERT INTO users (email, display_name, password_hash, created_at, last_login_at, is_admin)
SELECT 'user' || g || '@example.com',
       CASE WHEN g % 7 = 0 THEN NULL ELSE 'User ' || g END,
       md5('pw' || g),
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour',
       CASE WHEN g % 3 = 0 THEN NULL ELSE timestamptz '2026-11-01 00:00:00+00' + g * interval '1 minute' END,
       g % 100 = 0
FROM generate_series(1, :users) g;

INSERT INTO refresh_tokens (user_id, token_hash, issued_at, expires_at, revoked_at)
SELECT u.id, sha256(convert_to(u.id || '-' || k, 'UTF8')),
       timestamptz '2026-11-20 00:00:00+00' + k * interval '1 day',
       timestamptz '2026-12-20 00:00:00+00' + k * interval '1 day',
       CASE WHEN k = 3 THEN timestamptz '2026-11-23 12:00:00+00' END
FROM users u CROSS JOIN generate_series(1, 1 + (u.id % 3)::int) k;
