package io.torchscore.spark;

import java.io.Serializable;

/**
 * A model load: where, and how long fetching and loading took.
 *
 * @param executor the executor id ({@code driver} for the driver's check)
 * @param host the executor's host
 * @param millis milliseconds from asking for the model to having it loaded
 */
public record ModelLoad(String executor, String host, double millis) implements Serializable {}
