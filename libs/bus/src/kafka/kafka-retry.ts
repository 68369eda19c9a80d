/**
 * kafkajs retry policy for connections, the admin and the producer: rides out a broker restart
 * (~100 s in all), yet a publish to a topic that never appears still fails in the end.
 */
export const KAFKA_RETRY = { initialRetryTime: 100, maxRetryTime: 2_000, retries: 50 };
