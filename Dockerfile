# Build: Swift 6 with libcurl headers; run: slim Debian as a non-root user.
FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4-openssl-dev libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY . .
RUN swift build -c release --product minqing --static-swift-stdlib \
    && mkdir -p /out && cp "$(swift build -c release --show-bin-path)/minqing" /out/ \
    && cp -r "$(swift build -c release --show-bin-path)"/*.resources /out/ 2>/dev/null || true

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4 libsqlite3-0 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /var/lib/minqing minqing
COPY --from=build /out/ /usr/local/bin/
COPY Config /etc/minqing
USER minqing
WORKDIR /var/lib/minqing
ENV TZ=Asia/Shanghai
EXPOSE 8080
# MINQING_API_TOKEN must be given at run time (docker run -e MINQING_API_TOKEN=…).
ENTRYPOINT ["minqing"]
CMD ["serve", "--config", "/etc/minqing/example", "--data", "/var/lib/minqing/data", "--host", "0.0.0.0"]
