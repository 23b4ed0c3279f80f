-- The drill's and the tests' small auth-service database (seed runbook: users, refresh tokens).
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    display_name text,
    password_hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    is_admin boolean NOT NULL DEFAULT false,
    CONSTRAINT users_email_format CHECK (position('@' in email) > 1)
);
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
COMMENT ON TABLE users IS 'Accounts of the auth service';

CREATE TABLE refresh_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    issued_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    CONSTRAINT refresh_tokens_expiry CHECK (expires_at > issued_at)
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_active ON refresh_tokens (expires_at) WHERE revoked_at IS NULL;

CREATE VIEW active_sessions AS
    SELECT u.id AS user_id, u.email, count(t.id) AS tokens
    FROM users u JOIN refresh_tokens t ON t.user_id = u.id
    WHERE t.revoked_at IS NULL
    GROUP BY u.id;
