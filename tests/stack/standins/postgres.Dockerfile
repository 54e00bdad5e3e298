# Stand-in for postgres:16-bookworm: Debian bookworm's PostgreSQL (15) behind an entrypoint that
# does what the official image's does with POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB.
FROM local/bookworm:12
# hadolint ignore=DL3008
RUN mkdir -p /etc/postgresql-common/createcluster.d \
    && echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/no-main.conf \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
    && chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql \
    && chmod 700 /var/lib/postgresql/data
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data \
    LANG=C.UTF-8
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
# hadolint ignore=DL3066
USER postgres
LABEL org.songrec.standin="postgres:16-bookworm"
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
