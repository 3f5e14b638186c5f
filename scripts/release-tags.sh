#!/usr/bin/env bash
# Tags a release: vX.Y.Z on HEAD (or checks that an existing vX.Y.Z is HEAD) and moves vX to it,
# pushing both to origin. VERSION is X.Y.Z or vX.Y.Z and must be package.json's version.
set -euo pipefail
version="${VERSION:-}"
version="${version#v}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "release: the version must be X.Y.Z, got '${VERSION:-}'" >&2
  exit 2
fi
declared="$(node -p 'require("./package.json").version')"
if [ "$declared" != "$version" ]; then
  echo "release: package.json says $declared, not $version: run 'npm version $version --no-git-tag-version', commit, and release that commit" >&2
  exit 1
fi
tag="v$version"
major="v${version%%.*}"
head="$(git rev-parse HEAD)"
# Annotated tags need an author; on a runner there is no git identity.
who="${GITHUB_ACTOR:-release}"
git_tag() { git -c user.name="$who" -c user.email="$who@noreply.invalid" tag "$@"; }

if git rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
  if [ "$(git rev-parse "$tag^{commit}")" != "$head" ]; then
    echo "release: $tag already exists on another commit; a released version is never moved" >&2
    exit 1
  fi
else
  git_tag -a "$tag" -m "fleet-actions $tag" "$head"
  git push origin "refs/tags/$tag"
fi
git_tag -f -a "$major" -m "fleet-actions $major, now $tag" "$head"
git push --force origin "refs/tags/$major"
echo "released $tag; $major points at it"
