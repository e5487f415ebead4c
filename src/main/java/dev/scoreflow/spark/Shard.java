package dev.scoreflow.spark;

import java.io.Serializable;

/**
 * One task's output, as its manifest entry: chunks [fromChunk, toChunk) written as {@code file}
 * ({@code samples} rows, {@code size} bytes, SHA-256 {@code sha256}), where and how fast it
 * ran, and the FID-LeNet feature sums of its samples (null when not asked for).
 */
public record Shard(int partition, int fromChunk, int toChunk, long samples, String file,
    long size, String sha256, long[] shape, double nfe, double wallSeconds, String host,
    String device, FeatureSums features) implements Serializable {}
