namespace Cache.Gossip.Protocol;

/// <summary>An encoded message waiting to be piggybacked; Key names the member it is about.</summary>
internal sealed class Broadcast(string key, byte[] message, long id, Action? onFinished)
{
    public string Key { get; } = key;
    public byte[] Message { get; } = message;
    public long Id { get; } = id;
    public Action? OnFinished { get; } = onFinished;
    public int Transmits { get; set; }
}
