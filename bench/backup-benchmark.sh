#!/usr/bin/env bash
# Benchmark (not a test): pgvault backup against `pg_dump | gzip` on the same database, same run.
#
#   bench/backup-benchmark.sh [SIZE_MB] [RUNS]  # default 1000 MB of table data, 3 runs of each
#
# Builds a throwaway PostgreSQL cluster with the machine's binaries, fills a database of about
# SIZE_MB (pgbench tables plus a text-heavy table like an auth service's), then runs, one after
# the other on the same data:
#   pg_dump | gzip -6            (the seed runbook's backup)
#   pgvault backup               (gzip 6, unencrypted)
#   pgvault backup --encryption openssl
#   pgvault backup --encryption pgp
# RUNS times each, interleaved, and prints the median wall time, the ratio to pg_dump | gzip,
# peak resident memory and output size.
set -euo pipefail
size_mb="${1:-1000}"
runs="${2:-3}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
[ -x "$bin/initdb" ] || { echo "needs PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
command -v gpg >/dev/null || { echo "needs gpg" >&2; exit 1; }

"$here/pgvault" --version >/dev/null   # builds the jar on first use

work="$(mktemp -d /tmp/pgvault-bench.XXXXXX)"
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); chown postgres "$work"; fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() { "${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

echo "== cluster: $bin, port $port, work dir $work"
"${as_pg[@]}" "$bin/initdb" -D "$work/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=256MB" start >/dev/null
url="postgresql://postgres@127.0.0.1:$port/bench"
"$bin/psql" -X -q -d "postgresql://postgres@127.0.0.1:$port/postgres" -c "CREATE DATABASE bench"

echo "== loading about ${size_mb} MB"
scale=$(( size_mb * 2 / 3 / 15 )); [ "$scale" -ge 1 ] || scale=1
"$bin/pgbench" -q -i -s "$scale" -d "$url" >/dev/null 2>&1
text_rows=$(( size_mb * 1024 / 3 ))   # ~1 KB a row, a third of the data
"$bin/psql" -X -q -d "$url" -c "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, profile jsonb,
  bio text, created_at timestamptz NOT NULL DEFAULT now());
  INSERT INTO users (email, profile, bio, created_at)
  SELECT 'user' || g || '@example.com', jsonb_build_object('plan', g % 5, 'tags', ARRAY['a' || g % 17, 'b']),
         (SELECT string_agg(md5((g * 32 + k)::text), ' ') FROM generate_series(1, 24) k),
         timestamptz '2024-01-01' + g * interval '1 second'
  FROM generate_series(1, $text_rows) g;"
"$bin/psql" -X -q -d "$url" -c "VACUUM ANALYZE"
db_size="$("$bin/psql" -X -A -t -d "$url" -c "SELECT pg_size_pretty(pg_database_size('bench'))")"
echo "   database size on disk: $db_size"

printf 'correct horse battery staple\n' > "$work/passphrase"
export GNUPGHOME="$work/gnupg"; mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key 'Bench <bench@example.org>' rsa3072 encrypt never 2>/dev/null
gpg --batch --quiet --armor --export bench@example.org > "$work/recipient.asc"

run() { # label, output file or dir, command...
  local label="$1" out="$2"; shift 2
  rm -rf "$out"
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  read -r wall rss_kb < "$work/time"
  local bytes; bytes=$(du -sb "$out" | cut -f1)
  printf '%s\t%s\t%s\t%s\n' "$label" "$wall" "$rss_kb" "$bytes" >> "$work/results"
}

echo "== running $runs rounds (each tool once a round, same data)"
for round in $(seq "$runs"); do
run "pg_dump | gzip -6" "$work/pg_dump.sql.gz" bash -c "set -o pipefail; '$bin/pg_dump' -d '$url' | gzip -6 > '$work/pg_dump.sql.gz'"
# pgvault's heap is capped to show the stream's memory does not grow with the database.
export PGVAULT_JAVA_OPTS="${PGVAULT_JAVA_OPTS:--Xmx128m}"
echo "   pgvault JVM options: $PGVAULT_JAVA_OPTS"
run "pgvault backup" "$work/repo-plain" "$here/pgvault" backup --database-url "$url" --repo "$work/repo-plain" --manual
run "pgvault backup --encryption openssl" "$work/repo-openssl" "$here/pgvault" backup --database-url "$url" \
  --repo "$work/repo-openssl" --manual --encryption openssl --passphrase-file "$work/passphrase"
run "pgvault backup --encryption pgp" "$work/repo-pgp" "$here/pgvault" backup --database-url "$url" \
  --repo "$work/repo-pgp" --manual --encryption pgp --recipient-key "$work/recipient.asc"
done

echo
echo "database: $db_size on disk; machine: $(nproc) cores; $("$bin/postgres" --version)"
echo "median of $runs runs (all runs: $work/results while it exists)"
sort -t$'\t' -k1,1 -k2,2n "$work/results" | awk -F'\t' -v runs="$runs" '
  { n[$1]++; if (n[$1] == int((runs + 1) / 2)) { wall[$1] = $2; rss[$1] = $3; size[$1] = $4; order[++k] = $1 } }
  END { base = wall["pg_dump | gzip -6"];
        for (i = 1; i <= k; i++) { t = order[i];
          printf "%-38s %8.1f s  %5.2fx  peak RSS %7.0f MB  output %8.1f MB\n", t, wall[t], wall[t] / base, rss[t] / 1024, size[t] / 1048576 } }'
cp "$work/results" /tmp/pgvault-bench-last.tsv
