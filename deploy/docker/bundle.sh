#!/usr/bin/env bash
# Assembles the production bundle of one app (server or executor) from a built checkout: the app's
# dist, the dist of the workspace packages it depends on, and node_modules with production
# dependencies only (npm ci --omit=dev from the lockfile). The Dockerfiles copy exactly this
# directory; test/deploy/production-bundle.int.test.ts starts the apps from it.
#
# Usage: bash deploy/docker/bundle.sh <server|executor> <empty-or-missing-out-dir>
# Needs: `npm run build` done (dist/ present). npm uses its cache first (--prefer-offline).
set -euo pipefail

app="${1:-}"
out="${2:-}"
case "$app" in server | executor) ;; *)
  echo "usage: bash deploy/docker/bundle.sh <server|executor> <out-dir>" >&2
  exit 2
  ;;
esac
[ -n "$out" ] || { echo "bundle: missing <out-dir>" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ -f "$root/apps/$app/dist/main.js" ] || { echo "bundle: apps/$app/dist/main.js is missing: run npm run build first" >&2; exit 1; }
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "bundle: $out is not empty" >&2
  exit 1
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# Every workspace's package.json keeps the lockfile valid; only the app's closure keeps a dist.
cp "$root/package.json" "$root/package-lock.json" "$out/"
workspaces="$(node -e 'console.log(require(process.argv[1]).workspaces.join("\n"))' "$root/package.json")"
for workspace in $workspaces; do
  mkdir -p "$out/$workspace"
  cp "$root/$workspace/package.json" "$out/$workspace/package.json"
done
(cd "$out" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error \
  --workspace "apps/$app" >&2)

# The closure: workspaces npm linked into node_modules/@kubently (plus the app itself).
needed="apps/$app"
for link in "$out"/node_modules/@kubently/*; do
  [ -L "$link" ] || continue
  needed="$needed $(realpath --relative-to="$out" "$link")"
done
for workspace in $workspaces; do
  case " $needed " in
    *" $workspace "*)
      [ -d "$root/$workspace/dist" ] || { echo "bundle: $workspace/dist is missing: run npm run build" >&2; exit 1; }
      cp -R "$root/$workspace/dist" "$out/$workspace/dist"
      rm -f "$out/$workspace"/dist/*.tsbuildinfo
      ;;
    *) rm -rf "${out:?}/$workspace" ;;
  esac
done
# Source maps and declarations are not needed at run time.
find "$out/apps" "$out/packages" -name '*.d.ts' -delete -o -name '*.d.ts.map' -delete
rmdir "$out/packages" "$out/apps" 2>/dev/null || true
echo "bundle: apps/$app with $(echo "$needed" | tr " " "\n" | sort -u | grep -c .) workspaces in $out ($(du -sh "$out" | cut -f1))" >&2
