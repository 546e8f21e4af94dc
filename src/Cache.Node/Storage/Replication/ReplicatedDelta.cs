namespace Cache.Node.Storage;

/// <summary>
/// A write to a large value as replicas exchange it: the command that made it, to re-run on a
/// replica that holds exactly <see cref="Base"/>, ending at <see cref="Version"/> with
/// <see cref="ExpiresAt"/>. <see cref="Command"/> is the command's arguments in
/// <c>ReplicationDeltaCodec</c>'s form. A replica holding anything else refuses it and the primary
/// sends the full value instead.
/// </summary>
internal readonly record struct ReplicatedDelta(EntryVersion Base, EntryVersion Version, ValueKind Kind, long ExpiresAt, ReadOnlyMemory<byte> Command);
