/**
 * The demo: a model, an image classifier and images packed in the jar, copied out so that the
 * notebooks run on a cluster that has nothing but the jar.
 */
package io.torchscore.demo;
