namespace Cache.Node.Commands;

/// <summary>The three kinds of subscription: a channel, a glob pattern, a shard channel (Redis 7's sharded pub/sub).</summary>
internal enum PubSubKind : byte
{
    Channel,
    Pattern,
    Shard,
}
