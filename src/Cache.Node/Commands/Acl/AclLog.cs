namespace Cache.Node.Commands;

/// <summary>
/// ACL LOG: refusals newest first, at most acllog-max-len (128); an entry with the same reason,
/// context, object and user less than 60 s old is counted again instead of added, as Redis does.
/// </summary>
internal sealed class AclLog
{
    private const long FoldWindowMs = 60_000;
    private readonly List<AclLogEntry> _entries = [];
    private readonly Lock _lock = new();

    public int MaxLength { get; set; } = 128;

    public void Add(string reason, string context, string obj, string username, long nowMs, string clientInfo)
    {
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (entry.Reason == reason && entry.Context == context && entry.Object == obj && entry.Username == username
                    && nowMs - entry.CreatedMs < FoldWindowMs)
                {
                    entry.Count++;
                    entry.CreatedMs = nowMs;
                    entry.ClientInfo = clientInfo;
                    _entries.Remove(entry);
                    _entries.Insert(0, entry);
                    return;
                }
            }

            _entries.Insert(0, new AclLogEntry(reason, context, obj, username, nowMs, clientInfo));
            if (_entries.Count > MaxLength)
            {
                _entries.RemoveRange(MaxLength, _entries.Count - MaxLength);
            }
        }
    }

    public AclLogEntry[] Newest(int count)
    {
        lock (_lock)
        {
            return [.. _entries.Take(count)];
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }
}
