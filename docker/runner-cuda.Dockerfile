# kjudge runner image for NVIDIA GPUs: the kjudge binary (built on Debian 12) on NVIDIA's CUDA
# development image, which provides nvcc, cuBLAS and the host compiler submissions are built with.
#   docker build -f docker/runner-cuda.Dockerfile -t kjudge-runner-cuda .
FROM debian:12 AS build
WORKDIR /src
COPY scripts/lib/deps.sh scripts/lib/deps.sh
RUN bash -c 'source scripts/lib/deps.sh && ensure_build_deps'
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DKJUDGE_BUILD_TESTS=OFF -DKJUDGE_BUILD_BENCH=OFF \
 && cmake --build build --target kjudge \
 && mkdir -p /out/lib && cp build/bin/kjudge /out/ \
 && ldd build/bin/kjudge | awk '/=> \/usr\/lib|=> \/lib/ {print $3}' \
    | grep -E 'libspdlog|libfmt|libyaml-cpp|libseccomp|libcmark' | xargs -r -I{} cp {} /out/lib/

FROM nvidia/cuda:13.0.0-devel-ubuntu24.04
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap ca-certificates g++ libsqlite3-0 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/kjudge /usr/local/bin/kjudge
COPY --from=build /out/lib/ /usr/local/lib/kjudge/
ENV LD_LIBRARY_PATH=/usr/local/lib/kjudge
ENTRYPOINT ["kjudge"]
