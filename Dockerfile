# bu-postgres with budgetbee: the seed's postgres:17.5 image plus the extension, preloaded.
# Move the bu-postgrest environment block (PGRST_*) to this service and drop bu-postgrest.
# Mirrors what `make install` does on a machine (cargo-pgrx 0.18.1, pgrx =0.18.1, Rust 1.95).
FROM postgres:17.5-bookworm AS builder
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential clang libclang-dev pkg-config ca-certificates curl postgresql-server-dev-17 \
 && rm -rf /var/lib/apt/lists/*
RUN curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain 1.95.0
ENV PATH=/root/.cargo/bin:$PATH
RUN cargo install cargo-pgrx --version 0.18.1 --locked \
 && cargo pgrx init --pg17 /usr/lib/postgresql/17/bin/pg_config
WORKDIR /src
COPY Cargo.toml Cargo.lock budgetbee.control ./
COPY src ./src
COPY pgrx-tests/Cargo.toml ./pgrx-tests/Cargo.toml
COPY pgrx-tests/src ./pgrx-tests/src
RUN cargo pgrx package --pg-config /usr/lib/postgresql/17/bin/pg_config

FROM postgres:17.5-bookworm
COPY --from=builder /src/target/release/budgetbee-pg17/usr/lib/postgresql/17/lib/ /usr/lib/postgresql/17/lib/
COPY --from=builder /src/target/release/budgetbee-pg17/usr/share/postgresql/17/extension/ /usr/share/postgresql/17/extension/
# The official image copies the sample to postgresql.conf at first init.
RUN echo "shared_preload_libraries = 'budgetbee'" >> /usr/share/postgresql/postgresql.conf.sample \
 && echo "max_worker_processes = 32" >> /usr/share/postgresql/postgresql.conf.sample
COPY sql/roles.sql /docker-entrypoint-initdb.d/10-budgetbee-roles.sql
# The API listens inside the container; publish it as the seed did (5101:3000).
ENV PGRST_SERVER_HOST=*
EXPOSE 3000
