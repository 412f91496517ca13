#!/usr/bin/env bash
# Builds (or reuses) the Prometheus tools the tests and CI use, from published Go modules at pinned
# versions with `go install`:
#   promtool   (github.com/prometheus/prometheus/cmd/promtool): `check rules`, `test rules`, `check metrics`
#   prom2json  (github.com/prometheus/prom2json/cmd/prom2json): Prometheus's own text-format parser
#              (prometheus/common/expfmt), printing a scrape as JSON for the tests to assert on
# Binaries live in a cache directory outside the repository, keyed by the versions, the Go toolchain
# and the recipe.
#
# Usage: bash deploy/observability/build-promtool.sh          build what is missing, print the bin dir
#        bash deploy/observability/build-promtool.sh --check  print the bin dir if complete, exit 3 otherwise
#        bash deploy/observability/build-promtool.sh --key    print the cache key
# Env:   KUBENTLY_PROMTOOL_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/kubently-promtool)
# Progress goes to stderr; stdout carries only the bin dir.
set -euo pipefail

# Prometheus 3.x publishes its Go module as v0.3MM.P for release 3.MM.P.
prometheus_module_version="v0.316.0"
prom2json_version="v1.4.2"
# Bump when this script changes how the binaries are produced (flags, tags, ldflags).
recipe_revision="1"
mode="${1:-build}"

log() { printf '[promtool build] %s\n' "$*" >&2; }
die() { printf '[promtool build] ERROR: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH. Install Go >= 1.26.7 (prometheus ${prometheus_module_version} needs it) and retry."
go_version="$(go version)"
key="$(printf '%s\n' "$prometheus_module_version" "$prom2json_version" "$go_version" "$recipe_revision" | sha256sum | cut -c1-16)"
if [ "$mode" = "--key" ]; then
  echo "$key"
  exit 0
fi

cache_root="${KUBENTLY_PROMTOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubently-promtool}"
key_dir="$cache_root/$key"
bin_dir="$key_dir/bin"
complete() { [ -x "$bin_dir/promtool" ] && [ -x "$bin_dir/prom2json" ]; }

if [ "$mode" = "--check" ]; then
  if complete; then echo "$bin_dir"; exit 0; fi
  exit 3
fi
[ "$mode" = "build" ] || die "unknown argument '$mode' (expected nothing, --check or --key)"

mkdir -p "$key_dir"
exec 9>"$key_dir/.lock"
if ! flock -n 9; then
  log "another build holds $key_dir/.lock; waiting for it"
  flock 9
fi
if complete; then
  log "cache hit: $bin_dir"
  echo "$bin_dir"
  exit 0
fi

# go install into a staging dir, then move into place: a half-built binary is never found.
install_tool() {
  local name="$1" package="$2"
  [ -x "$bin_dir/$name" ] && return 0
  local started staging
  started=$(date +%s)
  staging="$key_dir/staging"
  rm -rf "$staging"
  mkdir -p "$staging" "$bin_dir"
  log "building $name from $package with $go_version"
  # Not the main module here: a caller's GOFLAGS=-mod=... must not apply. remove_all_sd leaves out
  # Prometheus's service discovery plugins (cloud SDKs, client-go): rule and metrics checks need none,
  # and they are most of the build time.
  CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN="$staging" go install -trimpath -tags remove_all_sd -ldflags "-s -w" "$package" >&2
  mv "$staging/$name" "$bin_dir/$name"
  rm -rf "$staging"
  log "built $name in $(( $(date +%s) - started ))s"
}

install_tool promtool "github.com/prometheus/prometheus/cmd/promtool@${prometheus_module_version}"
install_tool prom2json "github.com/prometheus/prom2json/cmd/prom2json@${prom2json_version}"
"$bin_dir/promtool" --version >&2
echo "$bin_dir"
