using System.Buffers;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// A PULL or FETCH page, [cursor or names answered, [six bulks per entry, …]], decoded as it is
/// scanned. An entry may be a stub for a large value, read after in pieces (<see cref="ValuePieces"/>).
/// </summary>
internal sealed class EntryPageDecoder : PeerPageDecoder
{
    private List<(byte[] Key, ReplicatedEntry Entry)> _entries = [];
    private ReplicatedEntryReader _entry = new() { AllowStubs = true };

    /// <summary>The entries; null when the reply was not a whole, well-formed page.</summary>
    public List<(byte[] Key, ReplicatedEntry Entry)>? Entries => IsWhole ? _entries : null;

    protected override bool IsItemsWhole => _entry.AtEntryStart;

    protected override bool OnItems(long count)
    {
        _entries = new List<(byte[] Key, ReplicatedEntry Entry)>((int)Math.Min(count / ReplicationCodec.ArgsPerEntry, 4096));
        return count % ReplicationCodec.ArgsPerEntry == 0;
    }

    protected override bool OnItem(in ReadOnlySequence<byte> bulk)
    {
        if (!_entry.TryAdd(bulk, out var complete, out var key, out var entry))
        {
            return false;
        }

        if (complete)
        {
            _entries.Add((key, entry));
        }

        return true;
    }
}
