namespace Cache.Node.Storage;

/// <summary>
/// Walks a list's elements towards the tail from a start index, over either encoding (one
/// packed run, or the nodes of a <see cref="ListNodes"/>). Valid until the next write.
/// </summary>
internal ref struct ListReader
{
    private readonly ListNodes? _nodes;
    private ReadOnlySpan<byte> _run;
    private int _node;
    private int _position;

    internal ListReader(ReadOnlySpan<byte> packed, ListNodes? nodes, long start)
    {
        _nodes = nodes;
        if (nodes is null)
        {
            _run = packed;
            _position = ListBlob.PositionOf(packed, (int)start);
            return;
        }

        if (start >= nodes.Count)
        {
            _node = nodes.NodeCount;
            _run = [];
            return;
        }

        _node = nodes.Locate(start, out var within);
        _run = nodes.Content(_node);
        _position = ListBlob.PositionOf(_run, within);
    }

    public ReadOnlySpan<byte> Current { get; private set; }

    public bool MoveNext()
    {
        while (_position >= _run.Length)
        {
            if (_nodes is null || _node + 1 >= _nodes.NodeCount)
            {
                return false;
            }

            _run = _nodes.Content(++_node);
            _position = 0;
        }

        _position = ListBlob.ReadAt(_run, _position, out var element);
        Current = element;
        return true;
    }
}
