# Stand-in for redis:7-bookworm: Debian bookworm's Redis (7.0), run as redis in /data.
FROM local/bookworm:12
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data \
    && chown redis:redis /data
WORKDIR /data
# hadolint ignore=DL3066
USER redis
LABEL org.songrec.standin="redis:7-bookworm"
CMD ["redis-server"]
