/**
 * Models: locating a TorchScript file on any Hadoop file system, copying it once to an
 * executor-local cache, and loading it once per executor JVM with DJL kept offline.
 */
package io.torchscore.model;
