namespace Cache.Node.Storage;

/// <summary>
/// Walks a list's elements from the tail towards the head, over either encoding. Runs are read
/// forwards only, so each node's element positions are gathered first into the store's
/// position buffer. Valid until the next write.
/// </summary>
internal ref struct ListReverseReader
{
    private readonly ListStore _store;
    private readonly ListNodes? _nodes;
    private ReadOnlySpan<byte> _run;
    private int[] _positions = [];
    private int _node;
    private int _next;

    internal ListReverseReader(ListStore store, ReadOnlySpan<byte> packed, int packedCount, ListNodes? nodes)
    {
        _store = store;
        _nodes = nodes;
        if (nodes is null)
        {
            _node = 0;
            Load(packed, packedCount);
        }
        else
        {
            _node = nodes.NodeCount;
        }
    }

    public ReadOnlySpan<byte> Current { get; private set; }

    public bool MoveNext()
    {
        while (_next == 0)
        {
            if (_nodes is null || _node == 0)
            {
                return false;
            }

            _node--;
            Load(_nodes.Content(_node), _nodes.EntriesOf(_node));
        }

        ListBlob.ReadAt(_run, _positions[--_next], out var element);
        Current = element;
        return true;
    }

    private void Load(ReadOnlySpan<byte> run, int entries)
    {
        _run = run;
        _positions = _store.PositionBuffer(entries);
        _next = ListBlob.Positions(run, _positions);
    }
}
