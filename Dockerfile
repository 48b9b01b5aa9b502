# bu-postgres with budgetbee: the seed's postgres:17.5 image plus the extension, preloaded, and
# a first-boot script (docker/initdb.d) that creates the API roles and the extension in
# POSTGRES_DB, and on request Budget Bee's schema (sql/app: BUDGETBEE_LOAD_APP=true) or the
# schema with its demo rows (BUDGETBEE_LOAD_DEMO=true). The bu-postgrest environment block
# (PGRST_*) moves to this service unchanged and bu-postgrest goes away; see "Running in Docker
# (bu-postgres)" in README.md.
#
#   docker build -t budgetbee-postgres .
#   docker run -e POSTGRES_PASSWORD=… -e POSTGRES_DB=budgetbee -e PGRST_DB_ANON_ROLE=anon \
#     -e PGRST_DB_AUTHENTICATED_ROLE=authenticated -e BUDGETBEE_LOAD_DEMO=true \
#     -p 5101:3000 budgetbee-postgres
#
# Both stages stay on the same tag: the build stage's server headers are 17's, the runtime is
# the seed's 17.5.

# --- build: cargo-pgrx 0.18.1 and pgrx =0.18.1 (Cargo.lock), Rust 1.95.0, as `make install` ---
FROM postgres:17.5-bookworm AS builder
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# DL3008 (pin apt versions): these packages live in this throw-away stage only. Debian and the
# PGDG repository (postgresql-server-dev-17) keep only the newest build of each package, so an
# exact pin stops building at the next point release; the pinned base tag, Cargo.lock and the
# pinned toolchain are what make the build reproducible. PostgreSQL keeps the server ABI stable
# within a major, so headers of any 17.x build an extension that loads into 17.5.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential ca-certificates clang curl libclang-dev pkg-config postgresql-server-dev-17 \
 && rm -rf /var/lib/apt/lists/*
ENV PATH=/root/.cargo/bin:$PATH
RUN curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
      | sh -s -- -y --no-modify-path --profile minimal --default-toolchain 1.95.0 \
 && cargo install cargo-pgrx --version 0.18.1 --locked \
 && cargo pgrx init --pg17 /usr/lib/postgresql/17/bin/pg_config
WORKDIR /src
COPY Cargo.toml Cargo.lock budgetbee.control ./
COPY pgrx-tests/Cargo.toml ./pgrx-tests/Cargo.toml
COPY pgrx-tests/src ./pgrx-tests/src
COPY src ./src
# The upgrade scripts (budgetbee--<old>--<new>.sql): cargo pgrx packages them from sql/.
COPY sql/budgetbee--*.sql ./sql/
RUN cargo pgrx package --no-default-features --features pg17 \
      --pg-config /usr/lib/postgresql/17/bin/pg_config

# --- runtime: the official image, its entrypoint and its environment variables unchanged ---
FROM postgres:17.5-bookworm
COPY --from=builder /src/target/release/budgetbee-pg17/usr/lib/postgresql/17/lib/ /usr/lib/postgresql/17/lib/
COPY --from=builder /src/target/release/budgetbee-pg17/usr/share/postgresql/17/extension/ /usr/share/postgresql/17/extension/
# initdb copies the sample into postgresql.conf on the first start: shared_preload_libraries and
# max_worker_processes (docker/budgetbee.conf). A postgresql.conf of your own must keep both.
COPY docker/budgetbee.conf sql/roles.sql /usr/share/budgetbee/
RUN cat /usr/share/budgetbee/budgetbee.conf >> /usr/share/postgresql/postgresql.conf.sample
# Budget Bee's schema, applied by the init script on request: the numbered files in name order
# (90-demo.sql: the demo rows) and their documentation.
COPY sql/app/[0-9]*.sql sql/app/README.md /usr/share/budgetbee/app/
# Run once by docker-entrypoint.sh on an empty data directory (executable in git, mode kept).
COPY docker/initdb.d/ /docker-entrypoint-initdb.d/
# The API listens on every address inside the container; publish it as the seed did (5101:3000).
# At the first start, into POSTGRES_DB: BUDGETBEE_LOAD_APP=true applies Budget Bee's schema
# (sql/app/00…80), BUDGETBEE_LOAD_DEMO=true the schema and the demo rows (…90).
ENV PGRST_SERVER_HOST=* \
    BUDGETBEE_LOAD_APP=false \
    BUDGETBEE_LOAD_DEMO=false
EXPOSE 3000
