namespace Cache.Node.Storage;

/// <summary>
/// Something that follows every change the engine makes (keyspace notifications and
/// client-tracking invalidation are meant to be next). Registered with
/// <see cref="KeySpace.Observe"/>; called under the key-space lock, inside the write, so it must
/// be short and must not call back into the key space.
/// </summary>
internal interface IEntryObserver
{
    void OnEntryChanged(in EntryChange change);
}
