namespace Cache.Node.Commands;

/// <summary>
/// MIGRATE's open connections, one per target host:port, as Redis' migrate_cached_sockets: at
/// most 64 (a random one is closed to make room), each closed after 10 seconds unused, so a
/// run of MIGRATEs to one target connects and SELECTs once. Used under the key-space gate.
/// </summary>
internal sealed class MigrateLinks : IDisposable
{
    private const int MaxLinks = 64;
    private const long IdleMs = 10_000;
    private readonly Dictionary<string, MigrateLink> _links = new(StringComparer.Ordinal);

    /// <summary>How many links are open (INFO-free; for tests).</summary>
    public int Count => _links.Count;

    /// <summary>The cached link to <paramref name="target"/>, or a new one; null when it cannot connect.</summary>
    public MigrateLink? Get(string target, string host, int port, TimeSpan timeout, long nowMs)
    {
        if (_links.TryGetValue(target, out var link))
        {
            link.LastUseMs = nowMs;
            link.SetTimeout(timeout);
            return link;
        }

        if (_links.Count >= MaxLinks)
        {
            Close(_links.Keys.ElementAt(Random.Shared.Next(_links.Count)));
        }

        link = MigrateLink.Connect(host, port, timeout);
        if (link is null)
        {
            return null;
        }

        link.LastUseMs = nowMs;
        _links[target] = link;
        return link;
    }

    /// <summary>Closes the link to <paramref name="target"/>, if one is open.</summary>
    public void Close(string target)
    {
        if (_links.Remove(target, out var link))
        {
            link.Dispose();
        }
    }

    /// <summary>Closes the links unused for 10 seconds (the server cron, once a second).</summary>
    public void CloseIdle(long nowMs)
    {
        List<string>? idle = null;
        foreach (var (target, link) in _links)
        {
            if (nowMs - link.LastUseMs > IdleMs)
            {
                (idle ??= []).Add(target);
            }
        }

        foreach (var target in idle ?? [])
        {
            Close(target);
        }
    }

    public void Dispose()
    {
        foreach (var link in _links.Values)
        {
            link.Dispose();
        }

        _links.Clear();
    }
}
