#!/usr/bin/env bash
# Benchmark (not a test): pgvault backup and restore against pg_dump and psql, same data, same run.
#
#   bench/backup-benchmark.sh [USERS ...]     # default: 200000; e.g. 200000 1000000
#   RUNS=5 JOBS="1 2" bench/backup-benchmark.sh 200000
#
# For each size, builds an auth service's database (bench/auth-schema.sql: users, sessions, audit
# events; about 1.25 KB of dump text a user) in a throwaway cluster made with the machine's
# PostgreSQL binaries, then runs RUNS rounds (default 3), each tool once a round, interleaved:
#   pg_dump > /dev/null            raw pg_dump, what the server can produce
#   pg_dump | gzip -6              the seed runbook's backup
#   pg_dump | zstd -3
#   pgvault backup (gzip 6)        with --jobs 1 and with each of JOBS (default: 2 and all cores)
#   pgvault backup --compression zstd
#   psql -f dump.sql               restore of pg_dump's plain script into a new database
#   pgvault restore, 1 txn         of pgvault's gzip backup into an empty database, in one transaction
#   pgvault restore --jobs N       of the same backup into a new database (--into-new-database): data in
#                                  chunks and index builds over N connections, with --jobs 1 and each of JOBS
# Every pgvault restore also reads each table back and compares it with the manifest; psql checks nothing.
# and prints medians: wall time, client CPU-seconds (user + system of the client processes, not the
# server's), CPU-seconds per GB of dump text, peak resident memory of the largest client process,
# and output size. pgvault runs with its launcher's defaults (the memory limits the launcher sets).
# On a machine shared with other work, wall times are noisy: compare CPU-seconds, run more rounds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(200000)
runs="${RUNS:-3}"
cores="$(nproc)"
jobs_list="$(printf '%s\n' ${JOBS:-2 $cores} | awk '$1 > 1 && !seen[$1]++' | tr '\n' ' ')"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
[ -x "$bin/initdb" ] || { echo "needs PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
command -v zstd >/dev/null || { echo "needs zstd (apt-get install zstd)" >&2; exit 1; }

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
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=256MB -c max_connections=60" start >/dev/null
server="postgresql://postgres@127.0.0.1:$port"
psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1)
restores=0

# label, output (a file, dir:DIRECTORY for a repository, or - for none), command...:
# appends "users label wall cpu rss bytes" to the results
run() {
  local label="$1" out="$2"; shift 2
  [ "$out" = - ] || rm -rf "${out#dir:}"
  [[ "$out" != dir:* ]] || { out="${out#dir:}"; mkdir -p "$out"; }
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr" \
    || { echo "$label failed:" >&2; cat "$work/stderr" >&2; exit 1; }
  local wall user sys rss bytes=0
  read -r wall user sys rss < "$work/time"
  [ "$out" = - ] || bytes=$(du -sb --exclude='*.json' --exclude='*.sig' "$out" | cut -f1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$users" "$label" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$rss" "$bytes" >> "$work/results"
}

fresh_db() { restores=$((restores + 1)); "${psql[@]}" -d "$server/postgres" -c "CREATE DATABASE r$restores"; echo "$server/r$restores"; }
drop_db() { "${psql[@]}" -d "$server/postgres" -c "DROP DATABASE ${1##*/}"; }

for users in "${sizes[@]}"; do
  db="auth$users"
  echo "== loading $users users into $db"
  "${psql[@]}" -d "$server/postgres" -c "CREATE DATABASE $db"
  "${psql[@]}" -d "$server/$db" -v users="$users" -f "$here/bench/auth-schema.sql" >/dev/null
  url="$server/$db"
  db_size="$("$bin/psql" -X -A -t -d "$url" -c "SELECT pg_size_pretty(pg_database_size('$db'))")"
  "$bin/pg_dump" -d "$url" -f "$work/dump.sql"
  text_bytes=$(stat -c %s "$work/dump.sql")
  printf '%s\t%s\t%s\n' "$users" "$db_size" "$text_bytes" >> "$work/sizes"
  echo "   $db_size on disk, $((text_bytes / 1048576)) MiB of dump text"

  for round in $(seq "$runs"); do
    echo "   round $round of $runs"
    run "pg_dump > /dev/null" - "$bin/pg_dump" -d "$url" -f /dev/null
    run "pg_dump | gzip -6" "$work/pg_dump.sql.gz" bash -c "set -o pipefail; '$bin/pg_dump' -d '$url' | gzip -6 > '$work/pg_dump.sql.gz'"
    run "pg_dump | zstd -3" "$work/pg_dump.sql.zst" bash -c "set -o pipefail; '$bin/pg_dump' -d '$url' | zstd -q -3 > '$work/pg_dump.sql.zst'"
    for jobs in 1 $jobs_list; do
      run "pgvault gzip --jobs $jobs" "dir:$work/repo-gzip" "$here/pgvault" backup --database-url "$url" \
        --repo "$work/repo-gzip" --manual --jobs "$jobs"
    done
    run "pgvault zstd --jobs $cores" "dir:$work/repo-zstd" "$here/pgvault" backup --database-url "$url" \
      --repo "$work/repo-zstd" --manual --compression zstd --jobs "$cores"
    target="$(fresh_db)"
    run "restore: psql -f" - "${psql[@]}" -d "$target" -f "$work/dump.sql"
    drop_db "$target"
    run "pgvault gzip --jobs $cores" "dir:$work/repo-gzip" "$here/pgvault" backup --database-url "$url" \
      --repo "$work/repo-gzip" --manual --jobs "$cores" # the backup the restore reads (not counted twice below)
    sed -i '$d' "$work/results"
    target="$(fresh_db)"
    run "restore: pgvault, 1 txn" - "$here/pgvault" restore --repo "$work/repo-gzip" --backup latest \
      --database-url "$target"
    drop_db "$target"
    for jobs in 1 $jobs_list; do
      restores=$((restores + 1))
      run "restore: pgvault --jobs $jobs" - "$here/pgvault" restore --repo "$work/repo-gzip" --backup latest \
        --database-url "$server/postgres" --into-new-database "r$restores" --jobs "$jobs"
      drop_db "$server/r$restores"
    done
  done
  "${psql[@]}" -d "$server/postgres" -c "DROP DATABASE $db"
done

echo
echo "machine: $cores cores ($(uptime | sed 's/.*load average: /load average /')); $("$bin/postgres" --version)"
echo "medians of $runs interleaved rounds; client CPU = user + system of the client processes"
sort -t$'\t' -k1,1n -k2,2 -k3,3n "$work/results" | awk -F'\t' -v runs="$runs" '
  FILENAME == ARGV[1] { disk[$1] = $2; text[$1] = $3; next }
  { key = $1 SUBSEP $2; n[key]++; w[key, n[key]] = $3; c[key, n[key]] = $4; r[key, n[key]] = $5; b[key, n[key]] = $6
    if (!(key in seen)) { seen[key] = 1; order[++k] = key } }
  function median(a, key, m,   i, j, t, v) { for (i = 1; i <= m; i++) v[i] = a[key, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return v[int((m + 1) / 2)] }
  END { last = ""
    for (i = 1; i <= k; i++) { split(order[i], parts, SUBSEP); users = parts[1]; label = parts[2]; m = n[order[i]]
      if (users != last) { printf "\n%s users: %s on disk, %.0f MiB of dump text\n", users, disk[users], text[users] / 1048576
        printf "%-28s %8s %8s %9s %9s %10s\n", "", "wall s", "CPU s", "CPU s/GB", "peak RSS", "output"; last = users }
      wall = median(w, order[i], m); cpu = median(c, order[i], m); rss = median(r, order[i], m); bytes = median(b, order[i], m)
      printf "%-28s %8.2f %8.2f %9.2f %6.0f MB %7.1f MB\n", label, wall, cpu, cpu / (text[users] / 1e9), rss / 1024,
        bytes / 1048576 } }' "$work/sizes" -
cp "$work/results" /tmp/pgvault-bench-last.tsv
