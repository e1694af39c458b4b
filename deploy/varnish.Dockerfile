# Varnish for docker-compose.yml: Debian's varnish with varnish-modules (xkey, header), the
# same packages the tests and `make stack` run; the configuration is mounted
# (deploy/varnish.vcl). curl is for the health check.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends varnish varnish-modules curl \
    && rm -rf /var/lib/apt/lists/*
EXPOSE 6081
CMD ["varnishd", "-F", "-a", ":6081", "-f", "/etc/varnish/verdicts.vcl", "-s", "malloc,256m"]
