namespace Cache.Node.Storage;

/// <summary>
/// Walks a list's elements from the tail towards the head, over either encoding, stepping back
/// through each run by the lengths its elements end with (<see cref="ListBlob"/>). Valid until
/// the next write.
/// </summary>
internal ref struct ListReverseReader
{
    private readonly ListNodes? _nodes;
    private ReadOnlySpan<byte> _run;
    private int _node;
    private int _position;

    internal ListReverseReader(ReadOnlySpan<byte> packed, ListNodes? nodes)
    {
        _nodes = nodes;
        if (nodes is null)
        {
            _run = packed;
            _position = packed.Length;
        }
        else
        {
            _node = nodes.NodeCount;
            _run = [];
        }
    }

    public ReadOnlySpan<byte> Current { get; private set; }

    public bool MoveNext()
    {
        while (_position == 0)
        {
            if (_nodes is null || _node == 0)
            {
                return false;
            }

            _run = _nodes.Content(--_node);
            _position = _run.Length;
        }

        _position = ListBlob.PreviousPosition(_run, _position);
        ListBlob.ReadAt(_run, _position, out var element);
        Current = element;
        return true;
    }
}
