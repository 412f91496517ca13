#!/usr/bin/env bash
# Builds (or reuses) the Helm CLI from its Go module (helm.sh/helm/v4, pinned by deploy/helm/tool/go.mod
# and go.sum). The binary lives in a cache directory outside the repository, keyed by everything that
# determines its content; it is never committed.
#
# Usage: bash deploy/helm/build.sh          build if missing, print the path of the helm binary on stdout
#        bash deploy/helm/build.sh --check  print the path if cached, exit 3 otherwise (no build)
#        bash deploy/helm/build.sh --key    print the cache key
# Env:   KUBENTLY_HELM_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/kubently-helm)
#        KUBENTLY_HELM_JOBS   go build -p (default 2)
# All progress goes to stderr; stdout carries only the binary's path.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mod_dir="$here/tool"
mode="${1:-build}"
# Bump when this script changes how the binary is produced (flags, tags, ldflags).
recipe_revision="1"

log() { printf '[helm build] %s\n' "$*" >&2; }
die() { printf '[helm build] ERROR: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH. Install Go >= 1.26 (Helm v4 needs it) and retry."
go_version="$(go version)"
helm_version="$(awk '$1 == "helm.sh/helm/v4" { print $2 }' "$mod_dir/go.mod")"
[ -n "$helm_version" ] || die "cannot read the helm.sh/helm/v4 version from $mod_dir/go.mod"

key="$(
  {
    cat "$mod_dir/go.mod" "$mod_dir/go.sum"
    printf '%s\n' "$go_version" "$recipe_revision"
  } | sha256sum | cut -c1-16
)"
if [ "$mode" = "--key" ]; then
  echo "$key"
  exit 0
fi

cache_root="${KUBENTLY_HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubently-helm}"
key_dir="$cache_root/$key"
binary="$key_dir/bin/helm"

if [ "$mode" = "--check" ]; then
  if [ -x "$binary" ] && [ -f "$key_dir/manifest.json" ]; then echo "$binary"; exit 0; fi
  exit 3
fi
[ "$mode" = "build" ] || die "unknown argument '$mode' (expected nothing, --check or --key)"

mkdir -p "$key_dir/bin"
exec 9>"$key_dir/.lock"
if ! flock -n 9; then
  log "another build holds $key_dir/.lock; waiting for it"
  flock 9
fi
if [ -x "$binary" ] && [ -f "$key_dir/manifest.json" ]; then
  log "cache hit: $binary"
  echo "$binary"
  exit 0
fi

started=$(date +%s)
log "downloading modules for Helm $helm_version (Go module proxy)"
(cd "$mod_dir" && go mod download) ||
  die "go mod download failed in $mod_dir: is the Go module proxy reachable (GOPROXY=$(go env GOPROXY))?"
info="$(cd "$mod_dir" && go mod download -json "helm.sh/helm/v4@$helm_version")" ||
  die "cannot resolve helm.sh/helm/v4@$helm_version from the Go module proxy"
commit="$(printf '%s' "$info" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).Origin?.Hash ?? ""))')"

# The upstream Makefile's version ldflags, so `helm version` names the release it was built from.
pkg="helm.sh/helm/v4/internal/version"
ldflags="-s -w -X $pkg.version=$helm_version -X $pkg.metadata= -X $pkg.gitCommit=$commit -X $pkg.gitTreeState=clean"
jobs="${KUBENTLY_HELM_JOBS:-2}"
log "building helm $helm_version (-p $jobs)"
(cd "$mod_dir" && CGO_ENABLED=0 go build -p "$jobs" -trimpath -ldflags "$ldflags" -o "$binary.tmp" helm.sh/helm/v4/cmd/helm) ||
  die "go build of helm.sh/helm/v4/cmd/helm failed (see output above)"
"$binary.tmp" version --short >/dev/null || die "the built helm does not run"
mv -f "$binary.tmp" "$binary"
seconds=$(( $(date +%s) - started ))

sha="$(sha256sum "$binary" | cut -d' ' -f1)"
bytes="$(stat -c %s "$binary")"
printf '{\n  "key": "%s",\n  "helm": "%s",\n  "gitCommit": "%s",\n  "goVersion": "%s",\n  "buildSeconds": %s,\n  "bytes": %s,\n  "sha256": "%s"\n}\n' \
  "$key" "$helm_version" "$commit" "$go_version" "$seconds" "$bytes" "$sha" >"$key_dir/manifest.json"
log "done in ${seconds}s: $binary"
echo "$binary"
