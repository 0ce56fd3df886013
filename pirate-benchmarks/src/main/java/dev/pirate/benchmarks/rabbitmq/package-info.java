/**
 * What a Spring user would pick instead of Pirate for request-reply, measured the same way: a
 * RabbitMQ RPC echo. {@link dev.pirate.benchmarks.rabbitmq.RabbitEchoServer} consumes a queue with a
 * prefetch and answers each request to its {@code replyTo};
 * {@link dev.pirate.benchmarks.rabbitmq.RabbitRpcBench} keeps C requests in flight through direct
 * reply-to and prints {@code pirate bench}'s JSON line. {@code bench/compare.sh} starts a private
 * RabbitMQ node on loopback and runs both from the benchmarks jar.
 */
package dev.pirate.benchmarks.rabbitmq;
