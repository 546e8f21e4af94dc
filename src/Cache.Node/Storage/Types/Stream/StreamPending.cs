namespace Cache.Node.Storage;

/// <summary>An entry of a group's pending entries list (Redis' NACK), while a command works on the decoded groups.</summary>
internal sealed class StreamPending(StreamId id, StreamConsumer consumer, long deliveryTime, long deliveryCount)
{
    public StreamId Id { get; } = id;

    public StreamConsumer Consumer { get; set; } = consumer;

    /// <summary>Unix ms of the last delivery.</summary>
    public long DeliveryTime { get; set; } = deliveryTime;

    public long DeliveryCount { get; set; } = deliveryCount;
}
