namespace Cache.Node.Storage;

/// <summary>The running total of every large list's directory bytes (<see cref="ListNodes.DirectoryBytes"/>), shared by one store's lists.</summary>
internal sealed class ListDirectoryBytes
{
    public long Total { get; set; }
}
