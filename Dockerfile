# Builds the dashboard, then the server with the dashboard embedded.
FROM node:20-bookworm AS ui
WORKDIR /src/web-ui
COPY web-ui/package.json web-ui/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web-ui/ ./
RUN npm run build

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
COPY --from=ui /src/web-ui/dist web-ui/dist
RUN cargo build --locked --release -p vexil-server

FROM debian:bookworm-slim
RUN useradd --system vexil
COPY --from=build /src/target/release/vexil /usr/local/bin/vexil
USER vexil
EXPOSE 8080
ENTRYPOINT ["vexil", "serve"]
