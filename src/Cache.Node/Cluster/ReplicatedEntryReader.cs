using System.Buffers;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// Reads one replicated entry from its six bulks (<see cref="ReplicationCodec"/>: key, clock, node,
/// kind, expires-at, value), one bulk at a time as a peer's reply is scanned.
/// </summary>
internal struct ReplicatedEntryReader
{
    private int _field;
    private byte[] _key;
    private long _clock;
    private long _node;
    private long _kind;
    private long _expiresAt;

    /// <summary>When set, an entry may be a stub for a value sent in pieces (<see cref="ValuePieces"/>): PULL and FETCH pages.</summary>
    public bool AllowStubs { get; init; }

    /// <summary>True when no entry is half read.</summary>
    public readonly bool AtEntryStart => _field == 0;

    /// <summary>
    /// Takes the entry's next bulk; when it was the last, <paramref name="complete"/> is set and the
    /// entry returned. False when the bulk is malformed (the caller refuses the whole reply).
    /// </summary>
    public bool TryAdd(in ReadOnlySequence<byte> bulk, out bool complete, out byte[] key, out ReplicatedEntry entry)
    {
        (complete, key, entry) = (false, [], default);
        switch (_field++)
        {
            case 0:
                _key = bulk.ToArray();
                return true;
            case 1:
                return TryNumber(bulk, out _clock);
            case 2:
                return TryNumber(bulk, out _node) && _node <= ushort.MaxValue;
            case 3:
                return TryNumber(bulk, out _kind) && (ValueKinds.IsWireKind(_kind) || (AllowStubs && _kind == ValuePieces.StubKind));
            case 4:
                return TryNumber(bulk, out _expiresAt);
            default:
                _field = 0;
                (complete, key) = (true, _key);
                entry = new ReplicatedEntry(new EntryVersion(_clock, (ushort)_node), (ValueKind)_kind, _expiresAt, bulk.ToArray());
                _key = [];
                return true;
        }
    }

    private static bool TryNumber(in ReadOnlySequence<byte> bulk, out long value) =>
        PeerPageDecoder.TryParseNumber(bulk, out value) && value >= 0;
}
