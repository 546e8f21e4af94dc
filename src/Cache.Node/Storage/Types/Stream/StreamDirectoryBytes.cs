namespace Cache.Node.Storage;

/// <summary>The bytes of every stream's directory arrays, kept by the streams as they grow (part of used_memory).</summary>
internal sealed class StreamDirectoryBytes
{
    public long Total { get; set; }
}
