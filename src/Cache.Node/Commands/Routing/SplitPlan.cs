namespace Cache.Node.Commands;

/// <summary>
/// A multi-key command split by owner: each part names the node that runs it (null: this one)
/// and the positions in the request of its keys (each key's first argument; MSET's value follows
/// it), in request order. Parts come in the order their first key appears.
/// </summary>
internal sealed class SplitPlan(int step, int keyCount, IReadOnlyList<SplitPart> parts)
{
    /// <summary>Arguments per key: 2 for MSET (key and value), else 1.</summary>
    public int Step { get; } = step;

    public int KeyCount { get; } = keyCount;

    public IReadOnlyList<SplitPart> Parts { get; } = parts;
}
