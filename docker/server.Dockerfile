# kjudge server image: Debian 12, built from Debian packages only.
#   docker build -f docker/server.Dockerfile -t kjudge-server .
#   docker run -p 8080:8080 -v kjudge-data:/var/lib/kjudge kjudge-server
FROM debian:12 AS build
WORKDIR /src
COPY scripts/lib/deps.sh scripts/lib/deps.sh
RUN bash -c 'source scripts/lib/deps.sh && ensure_build_deps'
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DKJUDGE_BUILD_TESTS=OFF -DKJUDGE_BUILD_BENCH=OFF \
 && cmake --build build --target kjudge

FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      libsqlite3-0 libspdlog1.10 libfmt9 libyaml-cpp0.7 libcmark0.30.2 libssl3 libseccomp2 bubblewrap ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* && useradd --system --home /var/lib/kjudge kjudge \
 && mkdir -p /var/lib/kjudge && chown kjudge /var/lib/kjudge
COPY --from=build /src/build/bin/kjudge /usr/local/bin/kjudge
COPY --from=build /src/problems /srv/kjudge/problems
USER kjudge
EXPOSE 8080
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["kjudge", "serve", "--db", "/var/lib/kjudge/kjudge.db", "--listen", "0.0.0.0:8080", \
            "--problems", "/srv/kjudge/problems"]
