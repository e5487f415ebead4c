# scoreflow on a CUDA GPU. Build:  docker build -t scoreflow .
# Run:    docker run --gpus all -v "$PWD/work:/data" scoreflow sample --model /opt/scoreflow/models/mnist-unet-s --grid 8x8 --out /data/digits.png
# The volume /data holds runs, data sets and the unpacked PyTorch natives (first start ~4 GB).

# --- build stage: the jar with the cuda profile (CPU natives inside, CUDA natives beside it)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q -Pcuda dependency:go-offline
COPY src src
RUN mvn -B -q -Pcuda package -DskipTests

# --- runtime stage: CUDA 12.1 runtime (the natives are built for cu121) and a Java 17 runtime
FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04
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
ENTRYPOINT ["java", "-Djava.awt.headless=true", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", \
            "-cp", "/opt/scoreflow/scoreflow.jar:/opt/scoreflow/lib/*", "dev.scoreflow.cli.Main"]
CMD ["info"]
