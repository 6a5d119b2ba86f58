/**
 * The job: the {@code jobs/score} command-line entry point, the read-score-write run, and its
 * report.
 */
package io.torchscore.job;
