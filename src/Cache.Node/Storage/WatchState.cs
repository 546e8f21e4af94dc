namespace Cache.Node.Storage;

/// <summary>A client's WATCH: set dirty when any key it watches is modified.</summary>
internal sealed class WatchState
{
    public List<byte[]> Keys { get; } = [];

    public bool Dirty { get; set; }
}
