namespace Cache.Node.Storage;

/// <summary>A consumer of a group, while a command works on its stream's decoded groups.</summary>
internal sealed class StreamConsumer(byte[] name, long seenTime) : IStreamNamed
{
    public byte[] Name { get; } = name;

    /// <summary>Unix ms of the consumer's last read or claim (Redis 7.0's seen-time).</summary>
    public long SeenTime { get; set; } = seenTime;
}
