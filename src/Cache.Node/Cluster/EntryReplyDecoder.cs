using System.Buffers;
using Cache.Client.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>An ENTRY reply, the key's entry as six bulks, decoded as it is scanned; anything else (none held, malformed) is no entry.</summary>
internal sealed class EntryReplyDecoder : IRespFrameVisitor
{
    private ReplicatedEntryReader _reader;
    private ReplicatedEntry _entry;
    private bool _shaped;    // the reply is an array of six
    private bool _complete;
    private bool _refused;

    /// <summary>The entry; null when the peer holds none or sent something malformed.</summary>
    public ReplicatedEntry? Entry => _shaped && _complete && !_refused ? _entry : null;

    public void OnAggregate(byte type, long count, int depth)
    {
        if (depth == 0 && type == (byte)'*' && count == ReplicationCodec.ArgsPerEntry)
        {
            _shaped = true;
            return;
        }

        _refused = true;
    }

    public void OnValue(byte type, in ReadOnlySequence<byte> payload, int depth)
    {
        if (_refused || depth != 1 || type != (byte)'$' || !_reader.TryAdd(payload, out var complete, out _, out var entry))
        {
            _refused = true;
            return;
        }

        if (complete)
        {
            (_entry, _complete) = (entry, true);
        }
    }
}
