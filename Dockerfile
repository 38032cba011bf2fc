# syntax=docker/dockerfile:1
# Vexil's container image: the server with the dashboard inside, as scripts/run builds it,
# on a small Debian base, running as an unprivileged user, configured only through
# VEXIL_* variables (docs/operations.md lists them).
#
#   docker build -t vexil .
#   docker run -p 8080:8080 -v vexil-data:/var/lib/vexil vexil
#
# Without VEXIL_ADMIN_EMAIL and VEXIL_ADMIN_PASSWORD the first start prints a one-time
# set-up password in the log. For several replicas, set VEXIL_DATABASE_URL to PostgreSQL.

# Node.js for the dashboard build: the official build, copied into the Rust image below
# (Debian's own Node.js is older than the dashboard's tools need).
FROM node:20-bookworm-slim AS node

FROM rust:1.95-bookworm AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && node --version && npm --version
WORKDIR /src
COPY . .
# The same build as scripts/run's: the dashboard, then the release server with the
# dashboard inside. A release build without web-ui/dist/index.html fails (server/build.rs),
# so this step fails rather than ship a server without its dashboard. The caches keep
# downloaded packages and compiled dependencies between image builds; the binary is
# copied out of the target cache, and its line tables (for backtraces) compressed.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/root/.npm \
    --mount=type=cache,target=/src/target,sharing=locked \
    scripts/build \
    && objcopy --compress-debug-sections=zlib target/release/vexil /usr/local/bin/vexil

FROM debian:bookworm-slim
# A fixed numeric id, so that orchestrators can check "not root" without a user list.
RUN groupadd --system --gid 10001 vexil \
    && useradd --system --uid 10001 --gid vexil --home-dir /var/lib/vexil --create-home \
       --shell /usr/sbin/nologin vexil
COPY --from=build /usr/local/bin/vexil /usr/local/bin/vexil
ENV VEXIL_LISTEN=0.0.0.0:8080 \
    VEXIL_DATABASE_URL=sqlite:///var/lib/vexil/vexil.db \
    VEXIL_LOG_FORMAT=json
WORKDIR /var/lib/vexil
VOLUME ["/var/lib/vexil"]
USER 10001:10001
EXPOSE 8080
# `vexil healthcheck` asks the server at VEXIL_LISTEN for /readyz: the image needs no
# HTTP client of its own.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["vexil", "healthcheck", "--timeout-seconds", "4"]
ENTRYPOINT ["vexil"]
CMD ["serve"]
