namespace Cache.Node.Storage;

/// <summary>A group or a consumer: kept in lists sorted by name, as Redis' rax keeps them.</summary>
internal interface IStreamNamed
{
    byte[] Name { get; }
}
