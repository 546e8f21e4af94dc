using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>What a blocked XREAD or XREADGROUP remembers between blocking and being served.</summary>
internal sealed partial class ClientSession
{
    /// <summary>
    /// One id per stream key of the blocked command, the entries it waits for are above it: XREAD's
    /// ids as given, with "$" resolved to the stream's last id when it blocked (Redis' bpop stream_id).
    /// </summary>
    internal StreamId[] StreamWaitIds { get; set; } = [];
}
