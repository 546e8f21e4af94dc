namespace Cache.Node.Commands;

/// <summary>One ACL LOG entry (Redis 7.0's fields); repeats of the same refusal within a minute fold into it.</summary>
internal sealed class AclLogEntry(string reason, string context, string obj, string username, long createdMs, string clientInfo)
{
    public string Reason { get; } = reason;

    public string Context { get; } = context;

    public string Object { get; } = obj;

    public string Username { get; } = username;

    public long Count { get; set; } = 1;

    public long CreatedMs { get; set; } = createdMs;

    public string ClientInfo { get; set; } = clientInfo;
}
