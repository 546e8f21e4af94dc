namespace Cache.Node.Storage;

/// <summary>Stream values, through the stream module (<see cref="StreamStore"/>).</summary>
internal sealed partial class KeySpace
{
    private readonly StreamStore _streams;

    /// <summary>The stream store: commands reach a stream's <see cref="StreamValue"/> through it.</summary>
    internal StreamStore Streams => _streams;
}
