#!/usr/bin/env bash
# `docker compose`, on any machine: Docker's compose plugin when the CLI has one, else the
# compose CLI built once from the Go module proxy into a cache outside the checkout (as on
# machines whose Docker comes from Debian's docker.io, which has no compose v2).
#   bash docker/compose.sh <compose arguments>
set -euo pipefail
COMPOSE_VERSION=v2.40.3

if docker compose version >/dev/null 2>&1; then
  exec docker compose "$@"
fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cometchat-gateway/compose-$COMPOSE_VERSION"
if [ ! -x "$cache/docker-compose" ]; then
  command -v go >/dev/null || { echo "compose: neither 'docker compose' nor Go is installed: install one of them" >&2; exit 1; }
  echo "compose: building docker compose $COMPOSE_VERSION from the Go module proxy (a few minutes, once)" >&2
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  if ! (cd "$work" && go mod init compose-build \
    && go get "github.com/docker/compose/v2/cmd@$COMPOSE_VERSION" \
    && mkdir -p "$cache" && go build -o "$cache/docker-compose" github.com/docker/compose/v2/cmd) >"$work/build.log" 2>&1; then
    tail -30 "$work/build.log" >&2
    echo "compose: building docker compose failed (above)" >&2
    exit 1
  fi
  rm -rf "$work"
  trap - EXIT
fi
exec "$cache/docker-compose" "$@"
