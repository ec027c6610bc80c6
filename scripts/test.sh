#!/usr/bin/env bash
# scripts/test.sh runs Veil's whole test suite, installing and starting what
# it needs first. It is the README's test command and what .ci/run calls.
#
#   bash scripts/test.sh                # everything: ./...
#   bash scripts/test.sh ./store/...    # only these packages
#
# On a fresh Debian 12 machine (root, or a user with passwordless sudo) it:
#   1. finds a PostgreSQL server: $VEIL_TEST_DATABASE_URL if set, else one
#      answering on $VEIL_TEST_PG_HOST:$VEIL_TEST_PG_PORT (127.0.0.1:5432,
#      user postgres, trust auth), else installs `postgresql` if needed and
#      starts a throwaway cluster (temp dir, free port, trust auth, stopped
#      on exit);
#   2. builds pgvector from Debian trixie's source package when the server
#      lacks the `vector` extension (Debian 12 has no pgvector package);
#   3. recreates the test database (veil_test), creates the extension and
#      exports VEIL_TEST_DATABASE_URL;
#   4. installs chromium for the HTML report test;
#   5. runs gofmt, go vet, go test -race, every fuzz target briefly, and the
#      gated eval.
# Every step is idempotent and quick when its work is already done.
#
# Environment:
#   VEIL_TEST_DATABASE_URL  use this database as is (no install, no recreate)
#   VEIL_TEST_PG_HOST/PORT  where to look for a running server (127.0.0.1:5432);
#                           point PORT at a closed port to force a throwaway cluster
#   VEIL_TEST_DB            test database name (veil_test)
#   FUZZTIME                time per fuzz target (5s)
#   GO_TEST_TIMEOUT         go test -timeout (20m)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
START=$SECONDS

section() { printf '\n==== %s (t=%ds) ====\n' "$*" "$((SECONDS - START))"; }
note() { printf '  %s\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
# Go needs a home for its caches; a bare CI environment may lack HOME.
if [ -z "${HOME:-}" ]; then
	HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
	export HOME=${HOME:-/tmp}
fi
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || die "go is not installed (need Go $(sed -n 's/^go //p' go.mod))"

# ---------------------------------------------------------------- privileges
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=(sudo -n)
	fi
fi
as_root() {
	if [ "$(id -u)" -ne 0 ] && [ ${#SUDO[@]} -eq 0 ]; then
		die "need root (or passwordless sudo) to run: $*"
	fi
	"${SUDO[@]}" "$@"
}

APT_UPDATED=0
apt_update() {
	if [ "$APT_UPDATED" -eq 0 ]; then
		note "apt-get update"
		as_root apt-get -o DPkg::Lock::Timeout=300 update -qq </dev/null
		APT_UPDATED=1
	fi
}
apt_install() {
	apt_update
	note "apt-get install $*"
	as_root apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
}

# ---------------------------------------------------------------- PostgreSQL
section "PostgreSQL"
PG_HOST=${VEIL_TEST_PG_HOST:-127.0.0.1}
PG_PORT=${VEIL_TEST_PG_PORT:-5432}
TEST_DB=${VEIL_TEST_DB:-veil_test}
THROWAWAY_DIR=""
ADMIN_URL=""

cleanup() {
	if [ -n "$THROWAWAY_DIR" ]; then
		pg_as_owner "$PG_BIN/pg_ctl" -D "$THROWAWAY_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
		rm -rf "$THROWAWAY_DIR"
	fi
}
trap cleanup EXIT

# Client tools first: pg_isready and psql.
if ! command -v psql >/dev/null 2>&1 || ! command -v pg_isready >/dev/null 2>&1; then
	apt_install postgresql-client
fi

# pg_as_owner runs a server binary as the cluster's owner: PostgreSQL
# refuses to run as root, so root uses the postgres system user.
pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	local p
	for p in $(seq 55432 55532); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free port in 55432-55532"
}

start_throwaway() {
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
	if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/postgres" ]; then
		apt_install postgresql
		PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
	fi
	THROWAWAY_DIR=$(mktemp -d /tmp/veil-pg.XXXXXX)
	if [ "$(id -u)" -eq 0 ]; then chown postgres: "$THROWAWAY_DIR"; fi
	PG_HOST=127.0.0.1
	PG_PORT=$(free_port)
	[ -n "$PG_PORT" ] || die "no free port for a throwaway cluster"
	note "starting a throwaway cluster ($PG_BIN) in $THROWAWAY_DIR on port $PG_PORT"
	pg_as_owner "$PG_BIN/initdb" -D "$THROWAWAY_DIR/data" -U postgres --auth=trust \
		-E UTF8 --locale=C.UTF-8 --no-sync >"$THROWAWAY_DIR/initdb.log" 2>&1 ||
		{ cat "$THROWAWAY_DIR/initdb.log" >&2; die "initdb failed"; }
	pg_as_owner "$PG_BIN/pg_ctl" -D "$THROWAWAY_DIR/data" -l "$THROWAWAY_DIR/server.log" -w \
		-o "-p $PG_PORT -k $THROWAWAY_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null ||
		{ cat "$THROWAWAY_DIR/server.log" >&2; die "pg_ctl start failed"; }
}

if [ -n "${VEIL_TEST_DATABASE_URL:-}" ]; then
	note "using VEIL_TEST_DATABASE_URL as given"
	ADMIN_URL=$VEIL_TEST_DATABASE_URL
elif pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 3 &&
	psql "postgres://postgres@$PG_HOST:$PG_PORT/postgres?sslmode=disable&connect_timeout=5" -X -q -At -c 'SELECT 1' </dev/null >/dev/null 2>&1; then
	note "server answers on $PG_HOST:$PG_PORT"
elif pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 3; then
	note "server on $PG_HOST:$PG_PORT refuses user postgres without a password"
	start_throwaway
else
	note "no server on $PG_HOST:$PG_PORT"
	start_throwaway
fi
if [ -z "$ADMIN_URL" ]; then
	ADMIN_URL="postgres://postgres@$PG_HOST:$PG_PORT/postgres?sslmode=disable"
fi
psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql "$ADMIN_URL" -X -q -v ON_ERROR_STOP=1 -At "$@" </dev/null; }
psql_admin -c 'SELECT 1' >/dev/null || die "cannot connect to $ADMIN_URL"
SERVER_NUM=$(psql_admin -c 'SHOW server_version_num')
PG_MAJOR=$((SERVER_NUM / 10000))
note "server version $SERVER_NUM (major $PG_MAJOR)"

# ---------------------------------------------------------------- pgvector
section "pgvector"

# debian_mirror prints the URL of the main Debian archive from the machine's
# apt sources (one-line sources.list and deb822 .sources), not security:
# one ending in /debian if any, else the first that looks like a Debian
# archive (a snapshot URL, for instance).
debian_mirror() {
	{
		if [ -f /etc/apt/sources.list ]; then
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /:\/\//) { print $i; break } }' /etc/apt/sources.list
		fi
		for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			case "$f" in
			*.sources) awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f" ;;
			*.list) awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /:\/\//) { print $i; break } }' "$f" ;;
			esac
		done
	} | sed 's:/*$::' | grep -v -- '-security' | grep -E '/debian([/-]|$)' |
		awk '/\/debian$/ { print; found = 1; exit } NR == 1 { first = $0 } END { if (!found && first != "") print first }'
}

build_pgvector() {
	local mirror work lists
	mirror=$(debian_mirror)
	[ -n "$mirror" ] || die "could not find the Debian mirror in /etc/apt/sources.list*"
	note "building pgvector from trixie sources at $mirror for PostgreSQL $PG_MAJOR"
	dpkg -s "postgresql-server-dev-$PG_MAJOR" build-essential dpkg-dev >/dev/null 2>&1 ||
		apt_install "postgresql-server-dev-$PG_MAJOR" build-essential dpkg-dev
	# A deb-src entry only, in a private apt list so nothing else sees trixie
	# (no binary trixie source: nothing on the machine can upgrade from it).
	work=$(mktemp -d /tmp/veil-pgvector.XXXXXX)
	lists="$work/lists"
	mkdir -p "$lists/partial"
	cat >"$work/trixie-src.sources" <<-EOF
		Types: deb-src
		URIs: $mirror
		Suites: trixie
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	mkdir -p "$work/cache/archives/partial"
	local apt_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work"
		-o "Dir::State::Lists=$lists" -o "Dir::Cache=$work/cache" -o "APT::Sandbox::User=root" -qq)
	as_root apt-get "${apt_opts[@]}" update </dev/null
	(cd "$work" && as_root apt-get "${apt_opts[@]}" source pgvector </dev/null >/dev/null)
	local src
	src=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -n1)
	[ -n "$src" ] || die "apt-get source pgvector produced no source tree"
	local pgc="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
	# OPTFLAGS= keeps the build portable (no -march=native).
	as_root make -s -C "$src" -j"$(nproc)" PG_CONFIG="$pgc" OPTFLAGS= >/dev/null
	as_root make -s -C "$src" PG_CONFIG="$pgc" OPTFLAGS= install >/dev/null
	as_root rm -rf "$work"
}

has_vector() { [ "$(psql_admin -c "SELECT 1 FROM pg_available_extensions WHERE name='vector'")" = 1 ]; }
if has_vector; then
	note "vector extension available"
else
	t0=$SECONDS
	build_pgvector
	has_vector || die "pgvector was built but the server does not offer it (is the server on this machine, PostgreSQL $PG_MAJOR?)"
	note "pgvector built and installed in $((SECONDS - t0))s"
fi

# ---------------------------------------------------------------- test database
section "test database"
if [ -n "${VEIL_TEST_DATABASE_URL:-}" ]; then
	psql_admin -c 'CREATE EXTENSION IF NOT EXISTS vector'
else
	# Recreated fresh each run, unless another run (a colleague's, on a
	# shared server) is using it: tests work in their own schemas, so
	# sharing is safe and dropping would break that run.
	in_use=$(psql_admin -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$TEST_DB' AND pid <> pg_backend_pid()")
	if [ "$in_use" -gt 0 ]; then
		note "$TEST_DB is in use by $in_use other session(s): reusing it"
		psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$TEST_DB'" | grep -q 1 ||
			psql_admin -c "CREATE DATABASE \"$TEST_DB\""
	else
		psql_admin -c "DROP DATABASE IF EXISTS \"$TEST_DB\"" -c "CREATE DATABASE \"$TEST_DB\""
	fi
	VEIL_TEST_DATABASE_URL="postgres://postgres@$PG_HOST:$PG_PORT/$TEST_DB?sslmode=disable"
	psql "$VEIL_TEST_DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION IF NOT EXISTS vector' </dev/null
fi
export VEIL_TEST_DATABASE_URL
note "VEIL_TEST_DATABASE_URL=$VEIL_TEST_DATABASE_URL"
note "vector $(psql "$VEIL_TEST_DATABASE_URL" -X -At -c "SELECT extversion FROM pg_extension WHERE extname='vector'" </dev/null)"

# ---------------------------------------------------------------- chromium
section "chromium"
if [ -x /usr/bin/chromium ]; then
	note "/usr/bin/chromium present"
else
	apt_update
	note "apt-get install chromium"
	as_root apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium </dev/null >/dev/null
fi

# ---------------------------------------------------------------- Go checks
PKGS=("$@")
[ ${#PKGS[@]} -gt 0 ] || PKGS=(./...)

section "gofmt"
mapfile -t GOFILES < <(go list -f '{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}
{{end}}{{range .CgoFiles}}{{$d}}/{{.}}
{{end}}{{range .TestGoFiles}}{{$d}}/{{.}}
{{end}}{{range .XTestGoFiles}}{{$d}}/{{.}}
{{end}}{{range .IgnoredGoFiles}}{{$d}}/{{.}}
{{end}}' "${PKGS[@]}" | sed '/^$/d')
# gofmt and vet problems are reported but do not stop the tests; the run
# still fails at the end. A test failure skips fuzzing and the eval.
FAILED=()
UNFORMATTED=""
if [ ${#GOFILES[@]} -gt 0 ]; then
	UNFORMATTED=$(gofmt -l "${GOFILES[@]}")
fi
if [ -n "$UNFORMATTED" ]; then
	echo "these files need gofmt -w:"
	echo "$UNFORMATTED"
	FAILED+=(gofmt)
else
	note "${#GOFILES[@]} files formatted"
fi

section "go vet"
go vet "${PKGS[@]}" || FAILED+=("go vet")

section "go test -race"
if ! go test -race -count=1 -timeout "${GO_TEST_TIMEOUT:-20m}" "${PKGS[@]}" 2>&1; then
	FAILED+=("go test")
	printf '\ntest.sh: FAILED: %s (after %ds)\n' "${FAILED[*]}" "$((SECONDS - START))"
	exit 1
fi

section "fuzz"
FUZZTIME=${FUZZTIME:-5s}
nfuzz=0
while read -r dir ip; do
	grep -qs '^func Fuzz' "$dir"/*_test.go || continue
	while read -r name; do
		case "$name" in Fuzz*) ;; *) continue ;; esac
		note "$ip $name ($FUZZTIME)"
		go test -run='^$' -fuzz="^${name}\$" -fuzztime="$FUZZTIME" "$ip" 2>&1
		nfuzz=$((nfuzz + 1))
	done < <(go test -list '^Fuzz' "$ip")
done < <(go list -f '{{.Dir}} {{.ImportPath}}' "${PKGS[@]}")
note "$nfuzz fuzz targets run"

# ---------------------------------------------------------------- gated eval
# gated_eval runs the release gates on the shared reference data: the
# anonymizer on presidio-research's synthetic set and the NLU on CLINC150.
# Thresholds sit a little under today's numbers (README, "Evaluating"), so a
# regression fails the build. The data lives in ../shared/data beside the
# repository, as in CI.
gated_eval() {
	local data=../shared/data
	if [ ! -d "$data" ]; then
		if [ -n "${CI:-}" ]; then
			die "gated eval: $data is missing"
		fi
		note "no $data: skipped (CI fails here)"
		return
	fi
	local bin
	bin=$(mktemp -d /tmp/veil-bin.XXXXXX)
	go build -o "$bin/veil" ./cmd/veil
	note "eval pii presidio_synth_dataset_v2"
	"$bin/veil" eval pii "$data/pii/presidio_synth_dataset_v2.json" \
		--min-f1 EMAIL_ADDRESS=0.98,CREDIT_CARD=0.98,IBAN_CODE=0.98,IP_ADDRESS=0.98,US_SSN=0.98,PHONE_NUMBER=0.98 \
		--min-f2 ALL=0.78,PERSON=0.85 --max-leak 0.06
	note "eval pii presidio_synth_dataset_v2 --address-blocks"
	"$bin/veil" eval pii --address-blocks "$data/pii/presidio_synth_dataset_v2.json" --min-f2 ALL=0.89
	note "eval pii wnut17_dev"
	"$bin/veil" eval pii "$data/pii/wnut17_dev.conll" --min-recall PERSON=0.58 --min-precision PERSON=0.65
	note "eval pii meddocan_es_dev (issue #4: recall >= 0.90 for names, e-mails, phones, streets)"
	"$bin/veil" eval pii --lang es "$data/pii/meddocan_es_dev.jsonl" \
		--min-recall PERSON=0.90,EMAIL_ADDRESS=0.90,PHONE_NUMBER=0.90,STREET_ADDRESS=0.90
	note "eval nlu clinc150_data_full (issue #5: in-scope >= 93%, OOS recall >= 50%)"
	"$bin/veil" eval nlu "$data/intents/clinc150_data_full.json" --min-in-scope 0.93 --min-oos-recall 0.50
	note "eval conversations qa/conversations.yaml"
	"$bin/veil" eval conversations qa/conversations.yaml
	rm -rf "$bin"
}
section "gated eval"
gated_eval

# The person tagger's features include the other recognizers' spans, so a
# change to them must come with retrained weights: retrain from the train
# splits (deterministic) and fail when the shipped file differs.
section "person tagger weights"
if [ -d ../shared/data/pii ]; then
	weights=anonymize/data/persontagger/weights.bin
	shipped=$(mktemp /tmp/veil-weights.XXXXXX)
	cp "$weights" "$shipped"
	VEIL_TRAIN_PERSON_TAGGER="$PWD/../shared/data/pii" go test -count=1 -run '^TestTrainPersonTagger$' ./anonymize >/dev/null ||
		{ cp "$shipped" "$weights"; die "person tagger training failed"; }
	if ! cmp -s "$shipped" "$weights"; then
		cp "$shipped" "$weights"
		rm -f "$shipped"
		die "anonymize/data/persontagger/weights.bin is stale: retrain with VEIL_TRAIN_PERSON_TAGGER=\$PWD/../shared/data/pii go test ./anonymize -run TrainPersonTagger, regenerate the golden file, commit both"
	fi
	rm -f "$shipped"
	note "weights.bin matches a fresh training run"
elif [ -n "${CI:-}" ]; then
	die "person tagger weights: ../shared/data/pii is missing"
fi

section "done"
if [ ${#FAILED[@]} -gt 0 ]; then
	echo "test.sh: FAILED: ${FAILED[*]} (tests passed; after $((SECONDS - START))s)"
	exit 1
fi
echo "test.sh: all checks passed in $((SECONDS - START))s"
