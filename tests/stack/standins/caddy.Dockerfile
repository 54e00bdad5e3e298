# Stand-in for caddy:2: Debian bookworm's Caddy (2.6), with the official image's paths.
FROM local/bookworm:12
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends caddy \
    && rm -rf /var/lib/apt/lists/*
ENV XDG_CONFIG_HOME=/config \
    XDG_DATA_HOME=/data
LABEL org.songrec.standin="caddy:2"
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
