# 民情通容器镜像 / Minqing Hub container image.
#   docker build -t minqing .
#   docker run -d --name minqing -p 8080:8080 --env-file /etc/minqing/minqing.env \
#     -v minqing-data:/var/lib/minqing/data minqing
# 配置在 /etc/minqing（镜像内为示例配置；实际部署挂载自己的：-v /srv/minqing/config:/etc/minqing:ro）。
# 台账（SQLite）和上传暂存在卷 /var/lib/minqing/data；设置 MINQING_DATABASE_URL 则台账在 PostgreSQL（docs/postgres.md）。

# Build with the toolchain the project is tested on (swift-tools-version 6.1; CI uses 6.3).
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4-openssl-dev libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY . .
RUN swift build -c release --product minqing --static-swift-stdlib \
    && bin="$(swift build -c release --show-bin-path)" \
    && mkdir -p /out \
    && cp "$bin/minqing" /out/ \
    && cp -r "$bin"/*.resources /out/

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4 libsqlite3-0 ca-certificates tzdata curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/minqing --shell /usr/sbin/nologin minqing \
    && mkdir -p /var/lib/minqing/data && chown -R minqing:minqing /var/lib/minqing
# The binary and its resource bundles (templates, pages, holiday calendars) side by side.
COPY --from=build /out/ /usr/local/bin/
COPY Config/example /etc/minqing
USER minqing
WORKDIR /var/lib/minqing
ENV TZ=Asia/Shanghai
VOLUME ["/var/lib/minqing/data"]
EXPOSE 8080
# Liveness: the process answers. (/readyz also checks the store and the mailboxes; a load balancer asks that.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
# MINQING_API_TOKEN (and the other secrets of Config/deploy/minqing.env.example) are given at run time.
ENTRYPOINT ["minqing"]
CMD ["serve", "--config", "/etc/minqing", "--data", "/var/lib/minqing/data", "--host", "0.0.0.0", "--port", "8080"]
