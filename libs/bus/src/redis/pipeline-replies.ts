/** What a consumer's reads and acknowledgements send: an ioredis pipeline. */
interface Pipelined {
  exec(): Promise<Array<[Error | null, unknown]> | null>;
}

/** A pipeline's replies, in order; rejects with the first command's error. */
export async function pipelineReplies(pipeline: Pipelined): Promise<Array<[Error | null, unknown]>> {
  const replies = (await pipeline.exec()) ?? [];
  const failed = replies.find(([error]) => error);
  if (failed) throw failed[0];
  return replies;
}
