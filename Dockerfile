# scoreflow on a CUDA GPU. Build:  docker build -t scoreflow .
# Run:    docker run --gpus all -v "$PWD/work:/data" scoreflow sample --model /opt/scoreflow/models/mnist-unet-s --grid 8x8 --out /data/digits.png
# Check:  docker run --gpus all -v "$PWD/work:/data" scoreflow info
# The volume /data holds runs, data sets and the unpacked PyTorch natives (first start: ~4.3 GB
# for the CUDA build, unpacked once into /data/cache/djl).
#
# The runtime base only has to provide a CUDA 12 runtime (libcudart): DJL finds the GPU through
# it, and the cu121 natives bring their own CUDA libraries and cuDNN. The default is a tag of a
# maintained CUDA 12 line; NVIDIA removes tags at end of life, so for a reproducible build pin
# a digest:  docker build --build-arg CUDA_IMAGE=nvidia/cuda:12.6.3-base-ubuntu24.04@sha256:... .
ARG CUDA_IMAGE=nvidia/cuda:12.6.3-base-ubuntu24.04

# --- build stage: the jar with the cuda profile (CPU natives inside, CUDA natives beside it)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q -Pcuda dependency:go-offline
COPY src src
RUN mvn -B -q -Pcuda package -DskipTests

# --- runtime stage: a CUDA 12 runtime and a Java 17 runtime
FROM ${CUDA_IMAGE}
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless libjemalloc2 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/scoreflow.jar /opt/scoreflow/scoreflow.jar
COPY --from=build /src/target/lib/ /opt/scoreflow/lib/
COPY models /opt/scoreflow/models
ENV SCOREFLOW_CACHE_DIR=/data/cache/djl \
    LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
    MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1
VOLUME /data
WORKDIR /data
# jna.library.path: DJL loads libcudart by its unversioned name; the runtime image has only
# libcudart.so.12 in /usr/local/cuda/lib64, which JNA finds by version when pointed there.
ENTRYPOINT ["java", "-Djava.awt.headless=true", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", \
            "-Djna.library.path=/usr/local/cuda/lib64", \
            "-cp", "/opt/scoreflow/scoreflow.jar:/opt/scoreflow/lib/*", "dev.scoreflow.cli.Main"]
CMD ["info"]
